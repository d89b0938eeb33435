"""Writes of payments: orders at Guru's price, fulfilment exactly once per payment (checkout,
webhook or reconciliation, whichever comes first), refunds, webhook events, subscriptions.

Locks are always taken in one order: the Order row, then the User row (subscriptions), then
the Wallet row (through wallet_apply).
"""

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from accounts.models import User
from config.locks import is_lock_timeout
from payments import gateway
from payments.errors import (
    CreditPackNotFound,
    NotPurchasable,
    OrderNotFound,
    PaymentMismatch,
    PaymentNotCaptured,
    PaymentSignatureInvalid,
    PaymentsUnavailable,
    PaymentsUpstreamError,
    PlanChangeUnavailable,
    PlanNotFound,
    WebhookPayloadInvalid,
    WebhookSignatureInvalid,
)
from payments.models import Order, Payment, PaymentReview, Refund, Subscription, WebhookEvent
from payments.selectors import orders_awaiting_payment, webhook_events_unprocessed
from shishya import guru_reads
from shishya.services import notification_send
from wallet.models import LedgerEntry, Wallet
from wallet.services import wallet_apply, wallet_get_or_create

logger = logging.getLogger(__name__)

# Razorpay statuses of a payment whose money is ours: captured, or authorised on an order
# created with payment_capture=1 (Razorpay captures it automatically).
PAID_STATUSES = ("captured", "authorized")


# --- Orders -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Item:
    product: str
    item_id: int
    name: str
    amount_paise: int
    currency: str
    credits: int | None = None
    period_days: int | None = None
    features: dict[str, Any] | None = None


def _priced_item(*, pack_id: int | None, plan_id: int | None) -> _Item:
    """What the student asked for, at Guru's current price (never a cached copy)."""
    pricing = guru_reads.pricing(require_fresh=True)
    if pack_id is not None:
        pack = pricing.pack(pack_id)
        if pack is None:
            raise CreditPackNotFound()
        item = _Item(
            product=Order.Product.CREDIT_PACK,
            item_id=pack_id,
            name=pack.name,
            amount_paise=pack.price_paise,
            currency=pack.currency,
            credits=pack.credits,
        )
        valid_grant = pack.credits >= 1
    else:
        plan = pricing.plan(plan_id) if plan_id is not None else None
        if plan is None:
            raise PlanNotFound()
        item = _Item(
            product=Order.Product.PLAN,
            item_id=plan.id,
            name=plan.name,
            amount_paise=plan.price_paise,
            currency=plan.currency,
            period_days=plan.period_days,
            features=dict(plan.features or {}),
        )
        valid_grant = plan.period_days >= 1
    # Razorpay's minimum of one rupee: a free plan is not sold online.
    if not (valid_grant and item.amount_paise >= 100 and len(item.currency) == 3):
        raise NotPurchasable()
    return item


def order_create(*, user: User, pack_id: int | None = None, plan_id: int | None = None) -> Order:
    """An order for a credit pack or a plan at Guru's price, with its Razorpay order."""
    if (pack_id is None) == (plan_id is None):
        raise ValueError("exactly one of pack_id and plan_id")
    if not gateway.payments_configured():
        raise PaymentsUnavailable()
    item = _priced_item(pack_id=pack_id, plan_id=plan_id)
    if item.product == Order.Product.PLAN:
        current = Subscription.objects.filter(user=user).first()
        if current is not None and current.is_active() and current.plan_id != item.item_id:
            raise PlanChangeUnavailable(details={"active_plan_id": current.plan_id})

    order_id = uuid.uuid4()
    razorpay_order = gateway.razorpay_order_create(
        amount_paise=item.amount_paise,
        currency=item.currency,
        receipt=str(order_id),
        notes={"order_id": str(order_id), "user_id": str(user.pk)},
    )
    if razorpay_order.get("amount") != item.amount_paise or not razorpay_order.get("id"):
        raise PaymentsUpstreamError()
    with transaction.atomic():
        return Order.objects.create(
            id=order_id,
            user=user,
            product=item.product,
            item_id=item.item_id,
            item_name=item.name,
            credits=item.credits,
            period_days=item.period_days,
            features=item.features or {},
            amount_paise=item.amount_paise,
            currency=item.currency,
            razorpay_order_id=razorpay_order["id"],
        )


# --- Fulfilment -------------------------------------------------------------------------------
def _review_record(
    *, reason: str, reference: str, order: Order, details: dict[str, Any]
) -> PaymentReview:
    review, created = PaymentReview.objects.get_or_create(
        reason=reason, reference=reference, defaults={"order": order, "details": details}
    )
    if created:
        logger.warning(
            "payment flagged for review",
            extra={"reason": reason, "reference": reference, "order_id": str(order.pk)},
        )
    return review


def _subscription_extend(*, order: Order, now: datetime) -> Subscription:
    # The user's row serialises every change to their one subscription row.
    User.objects.select_for_update().get(pk=order.user_id)
    period = timedelta(days=order.period_days or 0)
    subscription = Subscription.objects.filter(user_id=order.user_id).first()
    if subscription is None:
        return Subscription.objects.create(
            user_id=order.user_id,
            plan_id=order.item_id,
            plan_name=order.item_name,
            features=order.features,
            started_at=now,
            current_period_end=now + period,
        )
    if subscription.plan_id == order.item_id and subscription.is_active():
        subscription.current_period_end += period
    else:
        if subscription.is_active():
            # Only a race gets here (create-order refuses a change of plan while one is
            # active): the plan bought last wins, the unused time is for support to settle.
            _review_record(
                reason=PaymentReview.Reason.PLAN_REPLACED,
                reference=str(order.pk),
                order=order,
                details={
                    "replaced_plan_id": subscription.plan_id,
                    "replaced_period_end": subscription.current_period_end.isoformat(),
                },
            )
        subscription.plan_id = order.item_id
        subscription.started_at = now
        subscription.current_period_end = now + period
    subscription.plan_name = order.item_name
    subscription.features = order.features
    subscription.save()
    return subscription


def order_fulfil(*, order: Order, payment: dict[str, Any], source: str) -> Order:
    """Fulfils the order with a payment as Razorpay reports it, exactly once per payment.

    A payment not yet captured raises PaymentNotCaptured; one whose amount or currency
    differs from the order is flagged for review and raises PaymentMismatch. A payment
    already fulfilled, or a second payment of a paid order (flagged), changes nothing.
    """
    payment_id = str(payment.get("id", ""))
    if payment.get("order_id") != order.razorpay_order_id or not payment_id:
        raise PaymentMismatch("The payment belongs to another order.")
    if payment.get("status") not in PAID_STATUSES:
        raise PaymentNotCaptured(details={"status": str(payment.get("status"))})
    if payment.get("amount") != order.amount_paise or payment.get("currency") != order.currency:
        _review_record(
            reason=PaymentReview.Reason.AMOUNT_MISMATCH,
            reference=payment_id,
            order=order,
            details={
                "payment_amount": payment.get("amount"),
                "payment_currency": payment.get("currency"),
                "order_amount": order.amount_paise,
                "order_currency": order.currency,
            },
        )
        raise PaymentMismatch()

    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if Payment.objects.filter(razorpay_payment_id=payment_id).exists():
            return order
        if order.status in (Order.Status.PAID, Order.Status.REFUNDED):
            _review_record(
                reason=PaymentReview.Reason.SECOND_PAYMENT,
                reference=payment_id,
                order=order,
                details={"fulfilled_by": order.payment.razorpay_payment_id},
            )
            return order
        now = timezone.now()
        entry = None
        if order.product == Order.Product.CREDIT_PACK:
            entry = wallet_apply(
                user=order.user,
                amount=order.credits or 0,
                kind=LedgerEntry.Kind.PURCHASE,
                reference=f"order:{order.pk}",
                idempotency_key=f"razorpay-payment:{payment_id}",
            )
            title = f"{order.credits} credits added"
        else:
            subscription = _subscription_extend(order=order, now=now)
            title = f"{order.item_name} active until {subscription.current_period_end:%d %b %Y}"
        Payment.objects.create(
            razorpay_payment_id=payment_id,
            order=order,
            amount_paise=order.amount_paise,
            currency=order.currency,
            razorpay_status=str(payment["status"]),
            method=str(payment.get("method") or "")[:32],
            fulfilled_by=source,
            ledger_entry=entry,
        )
        order.status = Order.Status.PAID
        order.paid_at = now
        order.save(update_fields=["status", "paid_at"])
        notification_send(
            user=order.user,
            kind="payment_received",
            title=title,
            body=f"Payment received for {order.item_name}.",
            data={"order_id": str(order.pk)},
        )
    logger.info(
        "order fulfilled",
        extra={"order_id": str(order.pk), "payment_id": payment_id, "source": source},
    )
    return order


def payment_verify(
    *, user: User, razorpay_order_id: str, razorpay_payment_id: str, razorpay_signature: str
) -> Order:
    """Checkout's callback: the student's own order, a valid signature over the order id we
    stored, then the payment as Razorpay reports it."""
    if not gateway.payments_configured():
        raise PaymentsUnavailable()
    order = Order.objects.filter(user=user, razorpay_order_id=razorpay_order_id).first()
    if order is None:
        raise OrderNotFound()
    if not gateway.payment_signature_valid(
        order_id=order.razorpay_order_id,
        payment_id=razorpay_payment_id,
        signature=razorpay_signature,
    ):
        raise PaymentSignatureInvalid()
    payment = gateway.razorpay_payment_fetch(payment_id=razorpay_payment_id)
    return order_fulfil(order=order, payment=payment, source=Payment.Source.VERIFY)


def order_payment_failed(*, order: Order) -> bool:
    """Records a failed attempt; an order already paid or refunded never moves back."""
    return bool(
        Order.objects.filter(pk=order.pk, status=Order.Status.CREATED).update(
            status=Order.Status.FAILED
        )
    )


# --- Refunds ----------------------------------------------------------------------------------
def refund_record(*, refund: dict[str, Any]) -> Refund | None:
    """Applies a processed Razorpay refund once: takes back the credits (or plan days) in
    proportion to the amount refunded so far. Credits the balance no longer holds are recorded
    as a shortfall for review; the balance never goes negative. None when the refund is not
    processed, not ours, or does not fit the payment (flagged)."""
    refund_id = str(refund.get("id", ""))
    amount = refund.get("amount")
    if refund.get("status") != "processed" or not refund_id or not isinstance(amount, int):
        return None
    payment = Payment.objects.filter(razorpay_payment_id=refund.get("payment_id")).first()
    if payment is None:
        return None

    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        existing = Refund.objects.filter(razorpay_refund_id=refund_id).first()
        if existing is not None:
            return existing
        refunded = order.refunded_paise + amount
        if amount <= 0 or refunded > order.amount_paise or refund.get("currency") != order.currency:
            _review_record(
                reason=PaymentReview.Reason.REFUND_MISMATCH,
                reference=refund_id,
                order=order,
                details={"amount": amount, "currency": refund.get("currency")},
            )
            return None
        earlier = list(Refund.objects.filter(payment=payment))
        credits_reversed = shortfall = days_reversed = 0
        entry = None
        if order.product == Order.Product.CREDIT_PACK:
            # Cumulative proportions: partial refunds add up to exactly the pack's credits.
            due = (order.credits or 0) * refunded // order.amount_paise - sum(
                r.credits_reversed + r.credits_shortfall for r in earlier
            )
            wallet = wallet_get_or_create(user=order.user)
            balance = Wallet.objects.select_for_update().get(pk=wallet.pk).balance
            credits_reversed = min(due, balance)
            shortfall = due - credits_reversed
            if credits_reversed:
                entry = wallet_apply(
                    user=order.user,
                    amount=-credits_reversed,
                    kind=LedgerEntry.Kind.REVERSAL,
                    reference=f"refund:{refund_id}",
                    idempotency_key=f"razorpay-refund:{refund_id}",
                )
        else:
            days_reversed = (order.period_days or 0) * refunded // order.amount_paise - sum(
                r.days_reversed for r in earlier
            )
            if days_reversed:
                User.objects.select_for_update().get(pk=order.user_id)
                subscription = Subscription.objects.filter(
                    user_id=order.user_id, plan_id=order.item_id
                ).first()
                if subscription is not None:
                    subscription.current_period_end -= timedelta(days=days_reversed)
                    subscription.save(update_fields=["current_period_end", "updated_at"])
        recorded = Refund.objects.create(
            razorpay_refund_id=refund_id,
            payment=payment,
            amount_paise=amount,
            credits_reversed=credits_reversed,
            credits_shortfall=shortfall,
            days_reversed=days_reversed,
            ledger_entry=entry,
        )
        if shortfall:
            _review_record(
                reason=PaymentReview.Reason.REFUND_SHORTFALL,
                reference=refund_id,
                order=order,
                details={"credits_due": credits_reversed + shortfall, "shortfall": shortfall},
            )
        order.refunded_paise = refunded
        if refunded == order.amount_paise:
            order.status = Order.Status.REFUNDED
        order.save(update_fields=["refunded_paise", "status"])
        notification_send(
            user=order.user,
            kind="payment_refunded",
            title=f"Refund of {order.item_name} processed",
            data={"order_id": str(order.pk), "amount_paise": amount},
        )
    return recorded


# --- Webhooks ---------------------------------------------------------------------------------
def _entity(payload: dict[str, Any], name: str) -> dict[str, Any]:
    entity = (payload.get("payload") or {}).get(name, {}).get("entity")
    return entity if isinstance(entity, dict) else {}


def webhook_event_process(*, event: WebhookEvent) -> str:
    """Handles one stored event as a trigger to re-check with Razorpay, never as proof.
    Returns the outcome; raises PaymentsUpstreamError while Razorpay cannot be asked."""
    payload = json.loads(event.body)
    if event.event_type in ("payment.captured", "order.paid", "payment.failed"):
        payment = _entity(payload, "payment")
        order = Order.objects.filter(razorpay_order_id=payment.get("order_id") or "").first()
        if order is None or not payment.get("id"):
            return "unknown_order"
        if event.event_type == "payment.failed":
            return "attempt_failed" if order_payment_failed(order=order) else "unchanged"
        fetched = gateway.razorpay_payment_fetch(payment_id=str(payment["id"]))
        try:
            order_fulfil(order=order, payment=fetched, source=Payment.Source.WEBHOOK)
        except PaymentNotCaptured:
            return "not_captured"
        except PaymentMismatch:
            return "flagged"
        return "fulfilled"
    if event.event_type == "refund.processed":
        refund_id = _entity(payload, "refund").get("id")
        if not refund_id:
            return "ignored"
        fetched = gateway.razorpay_refund_fetch(refund_id=str(refund_id))
        return "refund_recorded" if refund_record(refund=fetched) else "refund_ignored"
    return "ignored"


def _webhook_event_finish(*, event: WebhookEvent) -> WebhookEvent:
    try:
        outcome = webhook_event_process(event=event)
    except PaymentsUpstreamError:
        # Kept unprocessed: reconcile_payments tries again, and so does a Razorpay retry.
        return event
    WebhookEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
        outcome=outcome, processed_at=timezone.now()
    )
    event.refresh_from_db()
    return event


def webhook_receive(*, body: bytes, signature: str, event_id: str) -> WebhookEvent:
    """A signed webhook: stored once by its event id, then handled unless it already was."""
    if not gateway.webhook_signature_valid(body=body, signature=signature):
        raise WebhookSignatureInvalid()
    # Razorpay always sends x-razorpay-event-id; without it, identical bodies are one event.
    event_id = event_id.strip()[:100] or "sha256:" + hashlib.sha256(body).hexdigest()
    try:
        payload = json.loads(body)
    except ValueError:
        raise WebhookPayloadInvalid() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
        raise WebhookPayloadInvalid()
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                event_id=event_id, event_type=payload["event"][:64], body=body.decode("utf-8")
            )
    except IntegrityError:
        event = WebhookEvent.objects.get(event_id=event_id)
        if event.processed_at is not None:
            return event
    return _webhook_event_finish(event=event)


# --- Reconciliation ---------------------------------------------------------------------------
# How far back reconciliation looks, and how long it leaves an order or event to checkout
# and webhooks first (beat's run and the command's defaults).
RECONCILE_SINCE = timedelta(hours=72)
RECONCILE_GRACE = timedelta(minutes=5)


def payments_reconcile(
    *, since: timedelta = RECONCILE_SINCE, grace: timedelta = RECONCILE_GRACE
) -> dict[str, int]:
    """Recovers missed webhooks: asks Razorpay for the payments of every order still unpaid
    (created within `since`, and older than `grace` so checkout can finish first), and
    handles stored events left unprocessed. Returns counts by outcome."""
    now = timezone.now()
    counts: dict[str, int] = {}

    def count(outcome: str) -> None:
        counts[outcome] = counts.get(outcome, 0) + 1

    for order in orders_awaiting_payment(created_after=now - since, created_before=now - grace):
        try:
            payments = gateway.razorpay_order_payments(order_id=order.razorpay_order_id)
        except PaymentsUpstreamError:
            count("upstream_error")
            continue
        paid = [p for p in payments if p.get("status") in PAID_STATUSES]
        if not paid:
            count("unpaid")
            continue
        for payment in paid:
            try:
                order_fulfil(order=order, payment=payment, source=Payment.Source.RECONCILE)
                count("fulfilled")
            except PaymentMismatch:
                count("flagged")
            except OperationalError as exc:
                if not is_lock_timeout(exc):
                    raise
                count("busy")  # a request holds the order: the next run looks again
    for event in webhook_events_unprocessed(received_before=now - grace):
        try:
            finished = _webhook_event_finish(event=event)
        except OperationalError as exc:
            if not is_lock_timeout(exc):
                raise
            count("busy")
            continue
        count("event_processed" if finished.processed_at else "upstream_error")
    return counts
