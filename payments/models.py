"""Razorpay orders and what fulfilled them, refunds, webhook events, subscriptions, and the
cases a person must review."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from wallet.models import LedgerEntry


class Order(models.Model):
    """One checkout: what the student buys, at Guru's price when the order was created."""

    class Product(models.TextChoices):
        CREDIT_PACK = "credit_pack", "Credit pack"
        PLAN = "plan", "Plan"

    class Status(models.TextChoices):
        CREATED = "created", "Awaiting payment"
        # A payment attempt failed; the student may still pay this order with another one.
        FAILED = "failed", "Payment failed"
        PAID = "paid", "Paid"
        REFUNDED = "refunded", "Refunded"

    # A uuid, not a sequence: it is the Razorpay receipt and says nothing about other orders.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_orders"
    )
    product = models.CharField(max_length=16, choices=Product.choices)
    # The snapshot of what is bought, so a later price or plan change never alters it.
    item_id = models.PositiveIntegerField(help_text="Guru's credit pack or plan id.")
    item_name = models.CharField(max_length=200)
    credits = models.PositiveIntegerField(null=True, blank=True)
    period_days = models.PositiveIntegerField(null=True, blank=True)
    features = models.JSONField(default=dict, blank=True)
    amount_paise = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    razorpay_order_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CREATED)
    refunded_paise = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(product="credit_pack", credits__gte=1, period_days__isnull=True)
                | Q(product="plan", period_days__gte=1, credits__isnull=True),
                name="order_buys_a_pack_or_a_plan",
            ),
            # Razorpay's minimum charge is one rupee.
            models.CheckConstraint(condition=Q(amount_paise__gte=100), name="order_amount_min"),
            models.CheckConstraint(
                condition=Q(refunded_paise__lte=F("amount_paise")),
                name="order_refunds_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="order_user_newest")]

    def __str__(self) -> str:
        return f"{self.product} {self.item_id} for user {self.user_id}: {self.status}"


class Payment(models.Model):
    """The Razorpay payment that fulfilled an order: one per payment, one per order."""

    class Source(models.TextChoices):
        VERIFY = "verify", "Checkout verification"
        WEBHOOK = "webhook", "Webhook"
        RECONCILE = "reconcile", "Reconciliation"

    razorpay_payment_id = models.CharField(max_length=64, unique=True)
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="payment")
    amount_paise = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    razorpay_status = models.CharField(max_length=16, help_text="Razorpay's status when fulfilled.")
    method = models.CharField(max_length=32, blank=True)
    fulfilled_by = models.CharField(max_length=16, choices=Source.choices)
    ledger_entry = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.razorpay_payment_id} for order {self.order_id}"


class Refund(models.Model):
    """A processed Razorpay refund and what it took back (credits or plan days)."""

    razorpay_refund_id = models.CharField(max_length=64, unique=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_paise = models.PositiveBigIntegerField()
    credits_reversed = models.PositiveIntegerField(default=0)
    # Credits the refund should have taken back but the balance no longer held: for review.
    credits_shortfall = models.PositiveIntegerField(default=0)
    days_reversed = models.PositiveIntegerField(default=0)
    ledger_entry = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.razorpay_refund_id}: {self.amount_paise} paise"


class Subscription(models.Model):
    """A student's plan: one row per student, its period extended by each plan purchase."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subscription"
    )
    plan_id = models.PositiveIntegerField(help_text="Guru's plan id.")
    plan_name = models.CharField(max_length=200)
    # The plan's features when last bought: served only while Guru cannot say.
    features = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField()
    current_period_end = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"plan {self.plan_id} for user {self.user_id} until {self.current_period_end}"

    def is_active(self) -> bool:
        return self.current_period_end > timezone.now()


class WebhookEvent(models.Model):
    """A Razorpay webhook event, stored once by its event id with the body as received."""

    event_id = models.CharField(max_length=100, unique=True)
    event_type = models.CharField(max_length=64)
    body = models.TextField(help_text="The raw body the signature was checked over.")
    outcome = models.CharField(max_length=32, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    # Null until handled; an event left unhandled (Razorpay unreachable) is retried by
    # the reconcile_payments command.
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(processed_at__isnull=True),
                name="webhook_event_unprocessed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class PaymentReview(models.Model):
    """Something about money a person must look at; recorded once per reason and reference."""

    class Reason(models.TextChoices):
        AMOUNT_MISMATCH = "amount_mismatch", "Payment amount or currency differs from the order"
        SECOND_PAYMENT = "second_payment", "Another payment for an order already paid"
        REFUND_SHORTFALL = "refund_shortfall", "Refund took back fewer credits than bought"
        REFUND_MISMATCH = "refund_mismatch", "Refund exceeds the payment or differs in currency"
        PLAN_REPLACED = "plan_replaced", "A plan purchase replaced another active plan"

    reason = models.CharField(max_length=32, choices=Reason.choices)
    reference = models.CharField(max_length=64, help_text="The Razorpay payment or refund id.")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="reviews")
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reason", "reference"], name="review_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.reference}"
