"""Razorpay, through its official SDK: the one module of the project that talks to Razorpay."""

import logging
import re
from collections.abc import Callable
from typing import Any

import razorpay
import requests
from django.conf import settings
from django.utils import timezone
from razorpay.errors import BadRequestError, GatewayError, ServerError, SignatureVerificationError

from payments.errors import PaymentsUnavailable, PaymentsUpstreamError

logger = logging.getLogger(__name__)


# What the SDK raises when Razorpay refuses, fails or cannot be reached (ValueError: a body
# that is not JSON).
_SDK_FAILURES = (BadRequestError, GatewayError, ServerError, requests.RequestException, ValueError)


_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


def payments_configured() -> bool:
    return bool(settings.RAZORPAY_KEY_ID and settings.RAZORPAY_KEY_SECRET)


def _client() -> razorpay.Client:
    if not payments_configured():
        raise PaymentsUnavailable()
    return razorpay.Client(
        auth=(settings.RAZORPAY_KEY_ID, settings.RAZORPAY_KEY_SECRET),
        base_url=settings.RAZORPAY_BASE_URL,
    )


def _call(operation: str, send: Callable[..., Any], *args: Any) -> dict[str, Any]:
    try:
        answer = send(*args, timeout=settings.RAZORPAY_TIMEOUT_SECONDS)
    except _SDK_FAILURES as exc:
        # The SDK's message is Razorpay's description: no key, signature or card data.
        logger.warning(
            "razorpay call failed",
            extra={"operation": operation, "error": type(exc).__name__, "detail": str(exc)},
        )
        raise PaymentsUpstreamError() from None
    if not isinstance(answer, dict):
        raise PaymentsUpstreamError()
    return answer


def razorpay_order_create(
    *, amount_paise: int, currency: str, receipt: str, notes: dict[str, str]
) -> dict[str, Any]:
    client = _client()
    return _call(
        "order_create",
        client.order.create,
        {
            "amount": amount_paise,
            "currency": currency,
            "receipt": receipt,
            "notes": notes,
            # Captured at once when authorised: the student gets what they paid for without
            # a separate capture call that could be missed.
            "payment_capture": 1,
        },
    )


def razorpay_payment_fetch(*, payment_id: str) -> dict[str, Any]:
    client = _client()
    return _call("payment_fetch", client.payment.fetch, payment_id)


def razorpay_order_payments(*, order_id: str) -> list[dict[str, Any]]:
    client = _client()
    items = _call("order_payments", client.order.payments, order_id).get("items")
    return items if isinstance(items, list) else []


def razorpay_refund_fetch(*, refund_id: str) -> dict[str, Any]:
    client = _client()
    return _call("refund_fetch", client.refund.fetch, refund_id)


def payment_signature_valid(*, order_id: str, payment_id: str, signature: str) -> bool:
    """Checkout's signature over order_id|payment_id, with the key secret."""
    try:
        return bool(
            _client().utility.verify_payment_signature(
                {
                    "razorpay_order_id": order_id,
                    "razorpay_payment_id": payment_id,
                    "razorpay_signature": signature,
                }
            )
        )
    except SignatureVerificationError:
        return False


def webhook_signature_valid(*, body: bytes, signature: str) -> bool:
    """The webhook signature over the exact bytes received, with the current webhook secret
    or, until its expiry, the previous one."""
    # A malformed signature is refused before anything else, whatever the configuration
    # (and the SDK's constant-time comparison cannot take non-ASCII text).
    if not _HEX_SHA256.fullmatch(signature):
        return False
    if not settings.RAZORPAY_WEBHOOK_SECRET:
        raise PaymentsUnavailable()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    secrets = [settings.RAZORPAY_WEBHOOK_SECRET]
    expires_at = settings.RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT
    if settings.RAZORPAY_PREVIOUS_WEBHOOK_SECRET and expires_at and timezone.now() < expires_at:
        secrets.append(settings.RAZORPAY_PREVIOUS_WEBHOOK_SECRET)
    utility = razorpay.Client().utility
    for secret in secrets:
        try:
            if utility.verify_webhook_signature(text, signature, secret):
                return True
        except SignatureVerificationError:
            continue
    return False
