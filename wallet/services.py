"""Writes to wallets: every credit change is one ledger row written with the balance, under
the wallet's row lock, exactly once per idempotency key."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import User
from config.errors import Conflict, InsufficientCredits, InvalidInput, NotFound
from shishya.guru_client import GuruUnavailable, guru_client
from wallet.models import LedgerEntry, Wallet

logger = logging.getLogger(__name__)


class WalletBusy(Conflict):
    code = "wallet_busy"
    message = "Your wallet is busy with another request. Retry in a moment."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "1"})


class LedgerKeyReused(Conflict):
    code = "idempotency_key_reused"
    message = "This idempotency key was already used for a different credit change."


def wallet_get_or_create(*, user: User) -> Wallet:
    wallet = Wallet.objects.filter(user=user).first()
    if wallet is not None:
        return wallet
    try:
        with transaction.atomic():
            return Wallet.objects.create(user=user)
    except IntegrityError:  # created by a concurrent request
        return Wallet.objects.get(user=user)


@contextmanager
def _wallet_lock_timeout() -> Iterator[None]:
    """Waits for the wallet's row lock at most WALLET_LOCK_TIMEOUT_MS, then 409."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)",
                [f"{settings.WALLET_LOCK_TIMEOUT_MS}ms"],
            )
    try:
        yield
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == "55P03":  # lock_not_available
            raise WalletBusy() from None
        raise


def wallet_apply(
    *, user: User, amount: int, kind: str, reference: str, idempotency_key: str
) -> LedgerEntry:
    """Adds (amount > 0) or takes (amount < 0) credits, once per idempotency key.

    A repeated key returns the entry it wrote the first time; a repeated key with another
    amount or kind is refused. Taking more than the balance raises InsufficientCredits and
    writes nothing.
    """
    if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
        raise ValueError("amount must be a non-zero integer")
    with transaction.atomic(), _wallet_lock_timeout():
        locked = Wallet.objects.select_for_update().filter(user=user).first()
        if locked is None:
            wallet = wallet_get_or_create(user=user)
            locked = Wallet.objects.select_for_update().get(pk=wallet.pk)
        existing = LedgerEntry.objects.filter(
            wallet=locked, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            if existing.amount != amount or existing.kind != kind:
                raise LedgerKeyReused()
            return existing
        balance_after = locked.balance + amount
        if balance_after < 0:
            raise InsufficientCredits(details={"balance": locked.balance, "required": -amount})
        Wallet.objects.filter(pk=locked.pk).update(balance=F("balance") + amount)
        return LedgerEntry.objects.create(
            wallet=locked,
            amount=amount,
            balance_after=balance_after,
            kind=kind,
            reference=reference,
            idempotency_key=idempotency_key,
        )


@contextmanager
def wallet_locked(*, user: User) -> Iterator[Wallet]:
    """The student's wallet under its row lock, in a transaction: for a service that holds
    credits against the balance before it charges them (the tutor, while the model answers).
    Waits at most WALLET_LOCK_TIMEOUT_MS for the lock, then 409 wallet_busy."""
    wallet = wallet_get_or_create(user=user)
    with transaction.atomic(), _wallet_lock_timeout():
        yield Wallet.objects.select_for_update().get(pk=wallet.pk)


def wallet_open(*, user: User) -> Wallet:
    """The student's wallet, with the welcome credits granted once the email is verified.

    The amount is Guru's current setting; while Guru cannot confirm it, the grant waits for
    a later visit rather than guessing.
    """
    wallet = wallet_get_or_create(user=user)
    if wallet.welcome_settled_at is not None or user.email_verified_at is None:
        return wallet
    try:
        amount = int(guru_client().platform_settings(require_fresh=True)["welcome_credits"])
    except GuruUnavailable:
        logger.warning("welcome credits deferred: Guru unavailable", extra={"user_id": user.pk})
        return wallet
    if amount > 0:
        wallet_apply(
            user=user,
            amount=amount,
            kind=LedgerEntry.Kind.WELCOME,
            reference="welcome",
            idempotency_key="welcome",
        )
    Wallet.objects.filter(pk=wallet.pk, welcome_settled_at__isnull=True).update(
        welcome_settled_at=timezone.now()
    )
    wallet.refresh_from_db()
    return wallet


class ActionNotChargeable(InvalidInput):
    code = "action_not_chargeable"
    message = "This action cannot be charged directly."


def action_price(*, action: str) -> int:
    """Guru's current credit price of a directly chargeable action (never a stale copy)."""
    pricing = guru_client().pricing(require_fresh=True)
    for priced in pricing["actions"]:
        if priced["action"] == action and priced["directly_chargeable"]:
            return int(priced["credits"])
    raise ActionNotChargeable(fields={"action": ["Unknown or not directly chargeable."]})


def wallet_deduct_action(
    *, user: User, action: str, reference: str, idempotency_key: str
) -> LedgerEntry:
    credits = action_price(action=action)
    return wallet_apply(
        user=user,
        amount=-credits,
        kind=LedgerEntry.Kind.DEDUCTION,
        reference=f"{action}:{reference}",
        idempotency_key=f"deduct:{idempotency_key}",
    )


class StudentNotFound(NotFound):
    code = "student_not_found"
    message = "No student has this email address."


class DailyCapExceeded(InvalidInput):
    code = "daily_cap_exceeded"
    message = "This grant would exceed today's cap of system credits for the student."


def _system_student(student_email: str) -> User:
    student = User.objects.filter(
        email=student_email.strip().lower(), role=User.Role.STUDENT
    ).first()
    if student is None:
        raise StudentNotFound()
    return student


def wallet_system_grant(
    *, student_email: str, credits: int, reason: str, idempotency_key: str
) -> LedgerEntry:
    """Credits granted by our own systems (Guru admins), within a per-student daily cap."""
    student = _system_student(student_email)
    wallet = wallet_get_or_create(user=student)
    with transaction.atomic(), _wallet_lock_timeout():
        Wallet.objects.select_for_update().get(pk=wallet.pk)
        since = timezone.now() - timedelta(days=1)
        granted_today = (
            LedgerEntry.objects.filter(
                wallet=wallet, kind=LedgerEntry.Kind.ADMIN_GRANT, created_at__gte=since
            )
            .exclude(idempotency_key=idempotency_key)
            .aggregate(total=Sum("amount"))["total"]
            or 0
        )
        if granted_today + credits > settings.WALLET_SYSTEM_DAILY_CAP:
            raise DailyCapExceeded(details={"granted_today": granted_today})
        return wallet_apply(
            user=student,
            amount=credits,
            kind=LedgerEntry.Kind.ADMIN_GRANT,
            reference=reason,
            idempotency_key=idempotency_key,
        )


def wallet_system_reverse(
    *, student_email: str, credits: int, reason: str, idempotency_key: str
) -> LedgerEntry:
    """Credits taken back by our own systems (Guru admins): a new reversal row, never an edit
    of the entry it corrects, and never below zero (402 insufficient_credits)."""
    return wallet_apply(
        user=_system_student(student_email),
        amount=-credits,
        kind=LedgerEntry.Kind.REVERSAL,
        reference=reason,
        idempotency_key=idempotency_key,
    )
