import pytest

from payments.models import Order, Payment, PaymentReview
from shishya.models import Notification
from tests.fakes.razorpay import FakeRazorpay
from tests.payments.helpers import PACK, create_order, paid_order, purchases, verify
from tests.wallets import balance

pytestmark = pytest.mark.django_db


def test_verified_payment_credits_the_pack_and_notifies(guru, razorpay, student_client, student):
    order, payment = paid_order(student_client, razorpay)
    response = verify(student_client, order.razorpay_order_id, payment["id"])
    assert response.status_code == 200, response.content
    assert response.json()["order"]["status"] == "paid"
    assert balance(student) == PACK["credits"] == purchases(student)
    recorded = Payment.objects.get()
    assert recorded.razorpay_payment_id == payment["id"] and recorded.fulfilled_by == "verify"
    assert recorded.ledger_entry.idempotency_key == f"razorpay-payment:{payment['id']}"
    assert Notification.objects.get(user=student).kind == "payment_received"
    assert any(r.path == f"/v1/payments/{payment['id']}" for r in razorpay.requests)


def test_replaying_a_valid_signature_credits_nothing_more(guru, razorpay, student_client, student):
    order, payment = paid_order(student_client, razorpay)
    for _ in range(3):
        assert verify(student_client, order.razorpay_order_id, payment["id"]).status_code == 200
    assert balance(student) == PACK["credits"]
    assert Payment.objects.count() == 1 and Notification.objects.count() == 1


def test_someone_elses_order_is_not_found(guru, razorpay, student_client, other_client, student):
    order, payment = paid_order(student_client, razorpay)
    response = verify(other_client, order.razorpay_order_id, payment["id"])
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "order_not_found"
    assert not Payment.objects.exists()


def test_a_spoofed_order_id_is_rejected(guru, razorpay, student_client, student):
    _order, payment = paid_order(student_client, razorpay)
    # Signed correctly for an order id the server never issued to this student.
    response = verify(student_client, "order_spoofed0000001", payment["id"])
    assert response.status_code == 404
    assert balance(student) == 0


def test_a_signature_for_another_order_is_rejected(guru, razorpay, student_client, student):
    order, payment = paid_order(student_client, razorpay)
    other, _ = paid_order(student_client, razorpay)
    signature = FakeRazorpay.checkout_signature(other.razorpay_order_id, payment["id"])
    response = verify(student_client, order.razorpay_order_id, payment["id"], signature)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_signature"
    assert balance(student) == 0


def test_a_bad_signature_is_rejected_without_asking_razorpay(
    guru, razorpay, student_client, student
):
    order, payment = paid_order(student_client, razorpay)
    response = verify(student_client, order.razorpay_order_id, payment["id"], "0" * 64)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not any(r.path.startswith("/v1/payments") for r in razorpay.requests)
    assert balance(student) == 0


def test_a_payment_not_captured_is_not_fulfilled(guru, razorpay, student_client, student):
    created = create_order(student_client, pack_id=1)["order"]
    payment = razorpay.pay(created["razorpay_order_id"], status="failed")
    response = verify(student_client, created["razorpay_order_id"], payment["id"])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_not_captured"
    assert balance(student) == 0 and Order.objects.get().status == "created"


def test_an_authorised_payment_on_an_auto_capture_order_is_fulfilled(
    guru, razorpay, student_client, student
):
    created = create_order(student_client, pack_id=1)["order"]
    payment = razorpay.pay(created["razorpay_order_id"], status="authorized")
    assert verify(student_client, created["razorpay_order_id"], payment["id"]).status_code == 200
    assert balance(student) == PACK["credits"]


@pytest.mark.parametrize("change", [{"amount": 100}, {"currency": "USD"}])
def test_a_payment_of_another_amount_is_flagged_not_fulfilled(
    guru, razorpay, student_client, student, change
):
    created = create_order(student_client, pack_id=1)["order"]
    payment = razorpay.pay(created["razorpay_order_id"], **change)
    response = verify(student_client, created["razorpay_order_id"], payment["id"])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_mismatch"
    assert balance(student) == 0 and Order.objects.get().status == "created"
    review = PaymentReview.objects.get()
    assert review.reason == "amount_mismatch" and review.reference == payment["id"]


def test_a_second_payment_of_a_paid_order_is_flagged_and_credits_nothing(
    guru, razorpay, student_client, student
):
    order, first = paid_order(student_client, razorpay)
    second = razorpay.pay(order.razorpay_order_id)
    assert verify(student_client, order.razorpay_order_id, first["id"]).status_code == 200
    assert verify(student_client, order.razorpay_order_id, second["id"]).status_code == 200
    assert balance(student) == PACK["credits"]
    assert PaymentReview.objects.get().reason == "second_payment"


def test_verify_without_payments_configured_is_503(student_client, settings):
    settings.RAZORPAY_KEY_ID = settings.RAZORPAY_KEY_SECRET = ""
    response = verify(student_client, "order_abc", "pay_abc", "0" * 64)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "payments_unavailable"
