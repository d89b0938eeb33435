import json
from datetime import timedelta

import pytest
from django.utils import timezone

from payments.models import Order, Payment, PaymentReview, WebhookEvent
from tests.fakes.razorpay import FakeRazorpay, hmac_sha256
from tests.fakes.server import Reply
from tests.payments.helpers import (
    PACK,
    WEBHOOK_SECRET,
    captured_event,
    create_order,
    paid_order,
    send_webhook,
    verify,
)
from tests.wallets import balance

pytestmark = pytest.mark.django_db


def test_captured_payment_is_fulfilled_after_rechecking_with_razorpay(
    guru, razorpay, student_client, client, student
):
    _order, payment = paid_order(student_client, razorpay)
    response = send_webhook(client, captured_event(payment))
    assert response.status_code == 200
    assert response.json() == {"event_id": "evt_fake0001", "outcome": "fulfilled"}
    assert balance(student) == PACK["credits"]
    assert Payment.objects.get().fulfilled_by == "webhook"
    assert any(r.path == f"/v1/payments/{payment['id']}" for r in razorpay.requests)


def test_the_raw_event_is_kept_as_received(guru, razorpay, student_client, client):
    _order, payment = paid_order(student_client, razorpay)
    body = captured_event(payment)
    send_webhook(client, body)
    assert WebhookEvent.objects.get().body.encode() == body


def test_the_same_event_three_times_credits_once(guru, razorpay, student_client, client, student):
    _order, payment = paid_order(student_client, razorpay)
    body = captured_event(payment)
    for _ in range(3):
        assert send_webhook(client, body).status_code == 200
    assert balance(student) == PACK["credits"]
    assert WebhookEvent.objects.count() == 1 and Payment.objects.count() == 1


def test_another_event_for_the_same_payment_credits_nothing_more(
    guru, razorpay, student_client, client, student
):
    order, payment = paid_order(student_client, razorpay)
    assert verify(student_client, order.razorpay_order_id, payment["id"]).status_code == 200
    send_webhook(client, captured_event(payment), event_id="evt_a")
    send_webhook(client, captured_event(payment, "order.paid"), event_id="evt_b")
    assert balance(student) == PACK["credits"] and Payment.objects.count() == 1


def test_one_byte_changed_is_400_and_changes_nothing(
    guru, razorpay, student_client, client, student
):
    _order, payment = paid_order(student_client, razorpay)
    body = captured_event(payment)
    tampered = body.replace(b'"upi"', b'"upj"')
    assert tampered != body and len(tampered) == len(body)
    response = send_webhook(client, tampered, signature=hmac_sha256(WEBHOOK_SECRET, body))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not WebhookEvent.objects.exists() and balance(student) == 0


def test_reserialised_json_with_the_same_data_is_400(
    guru, razorpay, student_client, client, student
):
    _order, payment = paid_order(student_client, razorpay)
    body = captured_event(payment)
    reserialised = json.dumps(json.loads(body), separators=(",", ":")).encode()
    assert json.loads(reserialised) == json.loads(body) and reserialised != body
    response = send_webhook(client, reserialised, signature=hmac_sha256(WEBHOOK_SECRET, body))
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists() and balance(student) == 0


@pytest.mark.parametrize("signature", ["", "not-hex", "é" * 64])
def test_missing_or_malformed_signature_is_400(guru, razorpay, client, signature):
    response = client.post(
        "/api/payments/webhook",
        b"{}",
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=signature,
    )
    assert response.status_code == 400


def test_order_paid_before_payment_captured_fulfils_once(
    guru, razorpay, student_client, client, student
):
    order, payment = paid_order(student_client, razorpay)
    order_entity = razorpay.orders[order.razorpay_order_id]
    paid = FakeRazorpay.webhook_body("order.paid", payment=payment, order=order_entity)
    assert send_webhook(client, paid, event_id="evt_1").json()["outcome"] == "fulfilled"
    assert send_webhook(client, captured_event(payment), event_id="evt_2").status_code == 200
    assert balance(student) == PACK["credits"] and Payment.objects.count() == 1


def test_payment_failed_after_capture_leaves_the_order_paid(
    guru, razorpay, student_client, client, student
):
    _order, payment = paid_order(student_client, razorpay)
    send_webhook(client, captured_event(payment), event_id="evt_1")
    failed = FakeRazorpay.webhook_body("payment.failed", payment={**payment, "status": "failed"})
    response = send_webhook(client, failed, event_id="evt_2")
    assert response.status_code == 200 and response.json()["outcome"] == "unchanged"
    assert Order.objects.get().status == "paid" and balance(student) == PACK["credits"]


def test_a_failed_attempt_then_a_successful_one(guru, razorpay, student_client, client, student):
    created = create_order(student_client, pack_id=1)["order"]
    failed = razorpay.pay(created["razorpay_order_id"], status="failed")
    body = FakeRazorpay.webhook_body("payment.failed", payment=failed)
    assert send_webhook(client, body, event_id="evt_1").json()["outcome"] == "attempt_failed"
    assert Order.objects.get().status == "failed"
    paid = razorpay.pay(created["razorpay_order_id"])
    send_webhook(client, captured_event(paid), event_id="evt_2")
    assert Order.objects.get().status == "paid" and balance(student) == PACK["credits"]


def test_a_captured_event_for_a_payment_razorpay_says_failed_is_not_fulfilled(
    guru, razorpay, student_client, client, student
):
    created = create_order(student_client, pack_id=1)["order"]
    payment = razorpay.pay(created["razorpay_order_id"], status="failed")
    forged = captured_event({**payment, "status": "captured"})
    assert send_webhook(client, forged).json()["outcome"] == "not_captured"
    assert balance(student) == 0


def test_amount_mismatch_is_flagged_and_not_fulfilled(
    guru, razorpay, student_client, client, student
):
    created = create_order(student_client, pack_id=1)["order"]
    payment = razorpay.pay(created["razorpay_order_id"], amount=100)
    for event_id in ("evt_1", "evt_2"):
        response = send_webhook(client, captured_event(payment), event_id=event_id)
        assert response.status_code == 200 and response.json()["outcome"] == "flagged"
    assert balance(student) == 0 and Order.objects.get().status == "created"
    review = PaymentReview.objects.get()
    assert review.reason == "amount_mismatch"
    assert review.details["payment_amount"] == 100 and review.details["order_amount"] == 49900


@pytest.mark.parametrize("event", ["payment.authorized", "refund.created", "invoice.paid"])
def test_events_it_does_not_handle_are_acknowledged(guru, razorpay, client, event):
    response = send_webhook(client, FakeRazorpay.webhook_body(event, payment={"id": "pay_x"}))
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"


def test_an_event_for_an_unknown_order_is_acknowledged(razorpay, client, db):
    payment = {"id": "pay_unknown", "order_id": "order_unknown", "amount": 100}
    response = send_webhook(client, captured_event(payment))
    assert response.status_code == 200 and response.json()["outcome"] == "unknown_order"


def test_previous_secret_is_accepted_until_its_expiry(
    guru, razorpay, student_client, client, student, settings
):
    settings.RAZORPAY_PREVIOUS_WEBHOOK_SECRET = "whsec_previous"
    settings.RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT = timezone.now() + timedelta(hours=1)
    _order, payment = paid_order(student_client, razorpay)
    body = captured_event(payment)
    assert send_webhook(client, body, secret="whsec_previous").status_code == 200
    assert balance(student) == PACK["credits"]

    settings.RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT = timezone.now() - timedelta(seconds=1)
    _other_order, other_payment = paid_order(student_client, razorpay)
    late = captured_event(other_payment)
    response = send_webhook(client, late, event_id="evt_late", secret="whsec_previous")
    assert response.status_code == 400
    assert send_webhook(client, late, event_id="evt_late").status_code == 200  # current one


def test_an_unknown_secret_is_refused(guru, razorpay, student_client, client, student):
    _order, payment = paid_order(student_client, razorpay)
    response = send_webhook(client, captured_event(payment), secret="whsec_guess")
    assert response.status_code == 400 and balance(student) == 0


def test_no_webhook_secret_is_503(client, db, settings):
    settings.RAZORPAY_WEBHOOK_SECRET = ""
    response = send_webhook(client, b"{}")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "payments_unavailable"
    malformed = send_webhook(client, b"{}", signature="not-a-signature")
    assert malformed.status_code == 400


def test_razorpay_unreachable_keeps_the_event_for_a_retry(
    guru, razorpay, student_client, client, student
):
    _order, payment = paid_order(student_client, razorpay)
    body = captured_event(payment)
    razorpay.next_replies = [Reply(500, {"error": {"code": "SERVER_ERROR"}})]
    response = send_webhook(client, body)
    assert response.status_code == 200 and response.json()["outcome"] == ""
    assert WebhookEvent.objects.get().processed_at is None and balance(student) == 0
    assert send_webhook(client, body).json()["outcome"] == "fulfilled"  # Razorpay's retry
    assert balance(student) == PACK["credits"]
