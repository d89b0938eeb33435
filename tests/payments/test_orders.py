import pytest

from payments.models import Order
from tests.fakes.razorpay import KEY_ID
from tests.fakes.server import Reply
from tests.payments.helpers import PACK, PLAN, create_order, paid_order, post, verify

pytestmark = pytest.mark.django_db


def razorpay_orders(razorpay) -> list:
    return [r for r in razorpay.requests if r.method == "POST" and r.path == "/v1/orders"]


class TestCreateOrder:
    def test_pack_order_charges_guru_price_and_returns_checkout_options(
        self, guru, razorpay, student_client, student
    ):
        body = create_order(student_client, pack_id=PACK["id"])
        order = Order.objects.get(pk=body["order"]["id"])
        assert order.user == student and order.status == Order.Status.CREATED
        assert (order.amount_paise, order.currency, order.credits) == (49900, "INR", 100)
        assert order.product == Order.Product.CREDIT_PACK and order.item_name == "Starter"
        sent = razorpay_orders(razorpay)[0].json()
        assert sent["amount"] == 49900 and sent["currency"] == "INR"
        assert sent["receipt"] == str(order.pk) and sent["payment_capture"] == 1
        assert body["checkout"] == {
            "key": KEY_ID,
            "order_id": order.razorpay_order_id,
            "amount": 49900,
            "currency": "INR",
            "name": "OurShiksha",
            "description": "Starter",
            "prefill": {"email": "asha@example.com"},
        }

    def test_plan_order_keeps_a_snapshot_of_what_it_buys(self, guru, razorpay, student_client):
        body = create_order(student_client, plan_id=PLAN["id"])
        order = Order.objects.get(pk=body["order"]["id"])
        assert (order.amount_paise, order.period_days, order.credits) == (29900, 30, None)
        assert order.features == PLAN["features"]
        guru.documents["/api/public/pricing"] = {"actions": [], "credit_packs": [], "plans": []}
        order.refresh_from_db()
        assert order.amount_paise == 29900 and order.features == PLAN["features"]

    @pytest.mark.parametrize("extra", [{"amount": 100}, {"amount_paise": 1, "currency": "USD"}])
    def test_a_client_sent_amount_is_refused_and_nothing_is_created(
        self, guru, razorpay, student_client, extra
    ):
        response = post(student_client, "/api/payments/create-order", {"pack_id": 1, **extra})
        assert response.status_code == 400
        assert set(response.json()["error"]["fields"]) == set(extra)
        assert not Order.objects.exists() and not razorpay_orders(razorpay)

    @pytest.mark.parametrize("body", [{}, {"pack_id": 1, "plan_id": 7}, {"pack_id": 0}])
    def test_exactly_one_pack_or_plan(self, guru, razorpay, student_client, body):
        response = post(student_client, "/api/payments/create-order", body)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"

    @pytest.mark.parametrize(
        ("body", "code"),
        [({"pack_id": 99}, "credit_pack_not_found"), ({"plan_id": 99}, "plan_not_found")],
    )
    def test_unknown_items_are_404(self, guru, razorpay, student_client, body, code):
        response = post(student_client, "/api/payments/create-order", body)
        assert response.status_code == 404 and response.json()["error"]["code"] == code

    def test_a_free_plan_is_not_sold_online(self, guru, razorpay, student_client):
        response = post(student_client, "/api/payments/create-order", {"plan_id": 9})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "not_purchasable"
        assert not razorpay_orders(razorpay)

    def test_guru_down_is_503_and_nothing_is_created(self, guru, razorpay, student_client):
        guru.scripted = [Reply(503, {})] * 3
        response = post(student_client, "/api/payments/create-order", {"pack_id": 1})
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "guru_unavailable"
        assert not Order.objects.exists() and not razorpay_orders(razorpay)

    def test_a_stale_guru_price_is_never_charged(self, guru, razorpay, student_client, settings):
        create_order(student_client, pack_id=1)
        settings.GURU_CACHE_TTLS = {**settings.GURU_CACHE_TTLS, "pricing": 0}
        guru.scripted = [Reply(503, {})] * 3
        response = post(student_client, "/api/payments/create-order", {"pack_id": 1})
        assert response.status_code == 503 and Order.objects.count() == 1

    def test_payments_unconfigured_is_503_payments_unavailable(
        self, guru, student_client, settings
    ):
        settings.RAZORPAY_KEY_ID = settings.RAZORPAY_KEY_SECRET = ""
        response = post(student_client, "/api/payments/create-order", {"pack_id": 1})
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "payments_unavailable"
        assert not Order.objects.exists() and not guru.requests

    def test_razorpay_down_is_502_and_nothing_is_created(self, guru, razorpay, student_client):
        razorpay.next_replies = [Reply(500, {"error": {"code": "SERVER_ERROR"}})]
        response = post(student_client, "/api/payments/create-order", {"pack_id": 1})
        assert response.status_code == 502
        assert response.json()["error"]["code"] == "payments_upstream_error"
        assert not Order.objects.exists()

    def test_rate_limited_per_student(self, guru, razorpay, student_client):
        for _ in range(10):
            create_order(student_client, pack_id=1)
        response = post(student_client, "/api/payments/create-order", {"pack_id": 1})
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited" and response["Retry-After"]
        assert Order.objects.count() == 10

    def test_another_plan_while_one_is_active_is_refused(self, guru, razorpay, student_client):
        order, payment = paid_order(student_client, razorpay, plan_id=PLAN["id"])
        assert verify(student_client, order.razorpay_order_id, payment["id"]).status_code == 200
        response = post(student_client, "/api/payments/create-order", {"plan_id": 8})
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "plan_change_unavailable"
        create_order(student_client, plan_id=PLAN["id"])  # the same plan extends it

    def test_needs_a_student_session(self, client, guru, razorpay):
        assert post(client, "/api/payments/create-order", {"pack_id": 1}).status_code == 401


class TestOrderList:
    def test_lists_only_the_students_own_orders_newest_first(
        self, guru, razorpay, student_client, other_client
    ):
        first = create_order(student_client, pack_id=1)["order"]["id"]
        second = create_order(student_client, plan_id=PLAN["id"])["order"]["id"]
        create_order(other_client, pack_id=2)
        body = student_client.get("/api/payments/orders").json()
        assert body["count"] == 2
        assert [o["id"] for o in body["results"]] == [second, first]
        assert body["results"][0]["status"] == "created"

    def test_query_count_does_not_grow_with_orders(
        self, guru, razorpay, student_client, django_assert_num_queries
    ):
        for _ in range(3):
            create_order(student_client, pack_id=1)
        # user (the session comes from the cache), count of the student's orders, the page
        with django_assert_num_queries(3):
            assert student_client.get("/api/payments/orders").json()["count"] == 3

    def test_works_without_payments_configured(self, student_client):
        assert student_client.get("/api/payments/orders").json()["count"] == 0
