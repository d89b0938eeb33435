from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from payments.models import Order, PaymentReview, Subscription
from payments.selectors import DEFAULT_FEATURES, student_features
from payments.services import order_fulfil
from tests.fakes.server import Reply
from tests.payments.helpers import PLAN, create_order, paid_order, verify

pytestmark = pytest.mark.django_db


def buy_plan(client, razorpay, plan_id: int = PLAN["id"]) -> None:
    order, payment = paid_order(client, razorpay, plan_id=plan_id)
    assert verify(client, order.razorpay_order_id, payment["id"]).status_code == 200


def test_no_plan_reads_as_none_with_the_default_features(student_client, student):
    assert student_client.get("/api/user/subscription").json() == {
        "status": "none",
        "plan": None,
        "started_at": None,
        "current_period_end": None,
    }
    assert student_client.get("/api/user/features").json() == {
        "plan_id": None,
        "features": DEFAULT_FEATURES,
    }
    assert student_features(user=student) == DEFAULT_FEATURES == {}


def test_a_plan_purchase_starts_a_period(guru, razorpay, student_client, student):
    before = timezone.now()
    buy_plan(student_client, razorpay)
    subscription = Subscription.objects.get(user=student)
    assert subscription.plan_id == PLAN["id"] and subscription.started_at >= before
    assert subscription.current_period_end - subscription.started_at == timedelta(days=30)
    body = student_client.get("/api/user/subscription").json()
    assert body["status"] == "active" and body["plan"]["name"] == "Plus"
    assert body["plan"]["price_paise"] == PLAN["price_paise"]
    assert student_client.get("/api/user/features").json() == {
        "plan_id": PLAN["id"],
        "features": PLAN["features"],
    }


def test_buying_the_same_plan_again_extends_the_period(guru, razorpay, student_client, student):
    buy_plan(student_client, razorpay)
    first = Subscription.objects.get()
    buy_plan(student_client, razorpay)
    extended = Subscription.objects.get()
    assert extended.started_at == first.started_at
    assert extended.current_period_end == first.current_period_end + timedelta(days=30)


def test_an_expired_plan_restarts_from_the_purchase(guru, razorpay, student_client, student):
    buy_plan(student_client, razorpay)
    past = timezone.now() - timedelta(days=1)
    Subscription.objects.update(started_at=past - timedelta(days=30), current_period_end=past)
    assert student_client.get("/api/user/subscription").json()["status"] == "expired"
    assert student_features(user=student) == DEFAULT_FEATURES
    buy_plan(student_client, razorpay, plan_id=8)  # another plan is fine once it ended
    subscription = Subscription.objects.get()
    assert subscription.plan_id == 8 and subscription.started_at > past
    assert subscription.current_period_end - subscription.started_at == timedelta(days=365)


def test_features_follow_guru_and_fall_back_to_the_snapshot(
    guru, razorpay, student_client, student, settings
):
    buy_plan(student_client, razorpay)
    changed = {**PLAN, "features": {"tutor_unlimited": True, "mock_interviews": True}}
    guru.documents["/api/public/pricing"] = {"actions": [], "credit_packs": [], "plans": [changed]}
    settings.GURU_CACHE_TTLS = {**settings.GURU_CACHE_TTLS, "pricing": 0}
    assert student_features(user=student) == changed["features"]
    settings.GURU_STALE_TTL_SECONDS = 0
    cache.clear()
    guru.scripted = [Reply(503, {})] * 3
    assert student_features(user=student) == PLAN["features"]  # what was bought
    body = student_client.get("/api/user/subscription").json()
    assert body["status"] == "active" and body["plan"]["price_paise"] is None


def test_a_racing_purchase_of_another_plan_replaces_it_and_is_flagged(
    guru, razorpay, student_client, student
):
    other = create_order(student_client, plan_id=8)["order"]  # before the first plan
    buy_plan(student_client, razorpay)
    order = Order.objects.get(pk=other["id"])
    order_fulfil(order=order, payment=razorpay.pay(order.razorpay_order_id), source="verify")
    assert Subscription.objects.get().plan_id == 8
    assert PaymentReview.objects.get().reason == "plan_replaced"


def test_subscription_endpoints_need_a_student_session(client):
    assert client.get("/api/user/subscription").status_code == 401
    assert client.get("/api/user/features").status_code == 401
