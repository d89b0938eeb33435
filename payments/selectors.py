"""Reads of orders and subscriptions, and the student's active features that other apps use."""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from payments.models import Order, Subscription, WebhookEvent
from shishya import guru_reads
from shishya.errors import GuruNotFound, GuruUnavailable
from shishya.guru_models import Plan, to_json

# What a student without an active plan has unlocked: no plan feature at all. Guru's plans
# describe features as {"name": true}; every name missing here reads as locked, so pay-per-
# action with credits is the whole free tier. The only place these defaults are defined.
DEFAULT_FEATURES: dict[str, Any] = {}


def order_list(*, user: User) -> QuerySet[Order]:
    return Order.objects.filter(user=user).order_by("-created_at", "-pk")


def orders_awaiting_payment(
    *, created_after: datetime, created_before: datetime
) -> QuerySet[Order]:
    return Order.objects.filter(
        status__in=[Order.Status.CREATED, Order.Status.FAILED],
        created_at__gte=created_after,
        created_at__lt=created_before,
    ).order_by("created_at")


def webhook_events_unprocessed(*, received_before: datetime) -> QuerySet[WebhookEvent]:
    return WebhookEvent.objects.filter(
        processed_at__isnull=True, received_at__lt=received_before
    ).order_by("received_at")


def subscription_active(*, user: User) -> Subscription | None:
    subscription = Subscription.objects.filter(user=user).first()
    return subscription if subscription is not None and subscription.is_active() else None


def offers_for_sale() -> dict[str, list[dict[str, Any]]]:
    """Guru's active credit packs and plans, prices in paise (display: within seconds of
    Guru's change; the order a student then creates reads the price fresh)."""
    pricing = guru_reads.pricing()
    return {"credit_packs": to_json(pricing.credit_packs), "plans": to_json(pricing.plans)}


def guru_plan(*, plan_id: int) -> Plan | None:
    """Guru's current description of a plan; None when Guru cannot say or no longer lists it
    (a cached copy is fine here: this shows a plan, it charges nothing)."""
    try:
        return guru_reads.pricing().plan(plan_id)
    except (GuruUnavailable, GuruNotFound):
        return None


def subscription_summary(*, user: User) -> dict[str, Any]:
    """The student's plan as Guru describes it now (the purchase's snapshot while Guru
    cannot say), its status and period."""
    subscription = Subscription.objects.filter(user=user).first()
    if subscription is None:
        return {"status": "none", "plan": None, "started_at": None, "current_period_end": None}
    current = guru_plan(plan_id=subscription.plan_id)
    plan = (
        to_json(current)
        if current is not None
        else {
            "id": subscription.plan_id,
            "name": subscription.plan_name,
            "price_paise": None,
            "currency": None,
            "period_days": None,
            "features": subscription.features,
        }
    )
    return {
        "status": "active" if subscription.is_active() else "expired",
        "plan": plan,
        "started_at": subscription.started_at,
        "current_period_end": subscription.current_period_end,
    }


def student_features(*, user: User) -> dict[str, Any]:
    """What the student's active plan unlocks, from Guru (the purchase's snapshot while Guru
    cannot say), or DEFAULT_FEATURES without an active plan. For learning, mithra and any
    student app deciding access."""
    subscription = subscription_active(user=user)
    if subscription is None:
        return dict(DEFAULT_FEATURES)
    plan = guru_plan(plan_id=subscription.plan_id)
    features = plan.features if plan is not None else subscription.features
    return {**DEFAULT_FEATURES, **features}
