"""Shared steps of the payment tests: what the SPA, the student and Razorpay do."""

import json
from typing import Any

from django.db.models import Sum

from payments.models import Order
from tests.fakes.razorpay import FakeRazorpay, hmac_sha256
from wallet.models import LedgerEntry

WEBHOOK_SECRET = "whsec_current_for_tests"
PACK = {"id": 1, "name": "Starter", "credits": 100, "price_paise": 49900, "currency": "INR"}
PLAN = {
    "id": 7,
    "name": "Plus",
    "price_paise": 29900,
    "currency": "INR",
    "period": "monthly",
    "period_days": 30,
    "features": {"tutor_unlimited": True, "premium_labs": True},
}
PRICING = {
    "actions": [{"action": "lab_run", "credits": 5, "directly_chargeable": True}],
    "credit_packs": [
        PACK,
        {"id": 2, "name": "Pro", "credits": 500, "price_paise": 199900, "currency": "INR"},
    ],
    "plans": [
        PLAN,
        {**PLAN, "id": 8, "name": "Max", "price_paise": 249900, "period_days": 365},
        {**PLAN, "id": 9, "name": "Free", "price_paise": 0, "features": {}},
    ],
}


def post(client, path: str, body: Any, **headers: str):
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def create_order(client, **body: Any) -> dict:
    response = post(client, "/api/payments/create-order", body)
    assert response.status_code == 201, response.content
    return response.json()


def paid_order(client, razorpay: FakeRazorpay, **body: Any) -> tuple[Order, dict]:
    """The student creates an order and pays it in Razorpay Checkout (nothing verified yet)."""
    created = create_order(client, **(body or {"pack_id": PACK["id"]}))
    order = Order.objects.get(pk=created["order"]["id"])
    return order, razorpay.pay(order.razorpay_order_id)


def verify(client, order_id: str, payment_id: str, signature: str | None = None):
    return post(
        client,
        "/api/payments/verify",
        {
            "razorpay_order_id": order_id,
            "razorpay_payment_id": payment_id,
            "razorpay_signature": signature
            or FakeRazorpay.checkout_signature(order_id, payment_id),
        },
    )


def send_webhook(
    client,
    body: bytes,
    *,
    event_id: str = "evt_fake0001",
    secret: str = WEBHOOK_SECRET,
    signature: str | None = None,
):
    return client.post(
        "/api/payments/webhook",
        body,
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=signature or hmac_sha256(secret, body),
        HTTP_X_RAZORPAY_EVENT_ID=event_id,
    )


def captured_event(payment: dict, event: str = "payment.captured") -> bytes:
    return FakeRazorpay.webhook_body(event, payment=payment)


def purchases(user) -> int:
    return (
        LedgerEntry.objects.filter(wallet__user=user, kind=LedgerEntry.Kind.PURCHASE).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
