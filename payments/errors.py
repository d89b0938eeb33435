"""Errors of payments (orders, Razorpay, webhooks, plans), each with its stable code."""

from config.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    UnavailableReason,
    UpstreamError,
)


class CreditPackNotFound(NotFound):
    code = "credit_pack_not_found"
    message = "This credit pack is not on sale."


class PlanNotFound(NotFound):
    code = "plan_not_found"
    message = "This plan is not on sale."


class NotPurchasable(InvalidInput):
    code = "not_purchasable"
    message = "This item cannot be bought online."


class PlanChangeUnavailable(Conflict):
    code = "plan_change_unavailable"
    message = "You already have another active plan; buy it again once that plan ends."


class OrderNotFound(NotFound):
    code = "order_not_found"
    message = "No such order."


class PaymentSignatureInvalid(InvalidInput):
    code = "invalid_signature"
    message = "The payment signature is not valid."


class PaymentNotCaptured(Conflict):
    code = "payment_not_captured"
    message = "The payment is not complete yet; the order is fulfilled once it is."


class PaymentMismatch(Conflict):
    code = "payment_mismatch"
    message = "The payment does not match the order; it has been flagged for review."


class WebhookSignatureInvalid(PaymentSignatureInvalid):
    message = "The webhook signature is not valid."


class WebhookPayloadInvalid(InvalidInput):
    code = "invalid_payload"
    message = "The webhook body is not a Razorpay event."


class PaymentsUnavailable(ServiceUnavailable):
    code = "payments_unavailable"
    message = "Payments are not available right now."
    # Raised only where the Razorpay keys or the webhook secret are missing.
    reason = UnavailableReason.NOT_CONFIGURED


class PaymentsUpstreamError(UpstreamError):
    code = "payments_upstream_error"
    message = "The payment provider did not answer. Try again in a moment."
