"""Writes to wallets: every credit change is one ledger row written with the balance, under
the wallet's row lock, exactly once per idempotency key. Voucher redemption: Guru says what a
code is worth and how often it may be used; the student side counts redemptions and credits
the wallet, exactly once per student."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import User
from config.errors import (
    ApiError,
    IdempotencyKeyReused,
    InsufficientCredits,
    VoucherNotFound,
)
from config.keyed_hash import keyed_hash
from config.locks import is_lock_timeout
from config.process_caches import register
from shishya import guru_reads
from shishya.errors import GuruNotFound, GuruUnavailable
from wallet.errors import (
    ActionNotChargeable,
    DailyCapExceeded,
    StudentNotFound,
    VoucherAlreadyRedeemed,
    VoucherExhausted,
    VoucherExpired,
    WalletBusy,
)
from wallet.models import LedgerEntry, VoucherRedemption, VoucherUsage, Wallet

logger = logging.getLogger(__name__)


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
    """A wallet another request holds longer than DATABASE_LOCK_TIMEOUT_MS (PostgreSQL's
    lock_timeout on every connection) answers 409 wallet_busy."""
    try:
        yield
    except OperationalError as exc:
        if is_lock_timeout(exc):
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
    # No savepoint (two round trips on every charge): nothing is written before a refusal,
    # and insufficient credits or a reused key are raised once the block has ended cleanly,
    # so a caller's own transaction carries on after catching them. A lock timeout or a
    # database error ends the caller's transaction with this one.
    with transaction.atomic(savepoint=False), _wallet_lock_timeout():
        outcome = _apply_locked(
            user=user,
            amount=amount,
            kind=kind,
            reference=reference,
            idempotency_key=idempotency_key,
        )
    if isinstance(outcome, ApiError):
        raise outcome
    return outcome


def _apply_locked(
    *, user: User, amount: int, kind: str, reference: str, idempotency_key: str
) -> LedgerEntry | ApiError:
    # The common case in two statements: the balance changes under the row lock, then the
    # entry is written; the key's earlier use, a missing wallet or a low balance come after.
    changed = Wallet.objects.change_balance(user_id=user.pk, amount=amount)
    if changed is not None:
        wallet_id, balance_after = changed
        entry = LedgerEntry.objects.create_once(
            wallet_id=wallet_id,
            amount=amount,
            balance_after=balance_after,
            kind=kind,
            reference=reference,
            idempotency_key=idempotency_key,
        )
        if entry is not None:
            return entry
        # The key was used before: the balance goes back, and the first entry answers.
        Wallet.objects.filter(pk=wallet_id).update(balance=F("balance") - amount)
    locked = Wallet.objects.select_for_update().filter(user=user).first()
    existing = (
        LedgerEntry.objects.filter(wallet=locked, idempotency_key=idempotency_key).first()
        if locked is not None
        else None
    )
    if existing is not None:
        if existing.amount != amount or existing.kind != kind:
            return IdempotencyKeyReused(
                "This idempotency key was already used for a different credit change."
            )
        return existing
    if locked is not None and locked.balance + amount < 0:
        return InsufficientCredits(details={"balance": locked.balance, "required": -amount})
    # No wallet yet, or credits arrived between the update and the lock: with the wallet
    # there and its row now held, the change goes through.
    if locked is None:
        wallet_get_or_create(user=user)
    return _apply_locked(
        user=user,
        amount=amount,
        kind=kind,
        reference=reference,
        idempotency_key=idempotency_key,
    )


@contextmanager
def wallet_locked(*, user: User) -> Iterator[Wallet]:
    """The student's wallet under its row lock, in a transaction: for a service that holds
    credits against the balance before it charges them (the tutor, while the model answers).
    Waits at most DATABASE_LOCK_TIMEOUT_MS for the lock, then 409 wallet_busy."""
    with transaction.atomic(), _wallet_lock_timeout():
        wallet = Wallet.objects.select_for_update().filter(user=user).first()
        if wallet is None:
            created = wallet_get_or_create(user=user)
            wallet = Wallet.objects.select_for_update().get(pk=created.pk)
        yield wallet


# Settled welcome credits stay settled: each process remembers whom it saw settled (after
# commit), so their later requests skip that read. The date joined keeps an id SQLite reuses
# from passing for another student.
_WELCOME_SETTLED: set[tuple[int, datetime]] = register(set())
_WELCOME_SETTLED_MAX = 100_000


def wallet_welcome_settle(*, user: User) -> None:
    """Grants a verified student's welcome credits, once: at verification (wallet_welcome_grant)
    and, if Guru could not answer then, before the student's next spend of any kind.

    The amount is Guru's current setting, read before and apart from the grant's transaction;
    while Guru cannot confirm it, the grant waits rather than guessing. The ledger row and the
    settled mark commit together, under the wallet's row lock, and a welcome row already there
    counts as settled (nothing is asked of Guru or granted again).
    """
    seen = (user.pk, user.date_joined)
    if seen in _WELCOME_SETTLED or user.email_verified_at is None:
        return
    wallet = wallet_get_or_create(user=user)
    if wallet.welcome_settled_at is None:
        granted = LedgerEntry.objects.filter(wallet=wallet, kind=LedgerEntry.Kind.WELCOME)
        amount = 0
        if not granted.exists():
            try:
                settings_now = guru_reads.platform_settings(require_fresh=True)
            except GuruUnavailable:
                logger.warning(
                    "welcome credits deferred: Guru unavailable", extra={"user_id": user.pk}
                )
                return
            amount = settings_now.welcome_credits
        with transaction.atomic(), _wallet_lock_timeout():
            locked = Wallet.objects.select_for_update().get(pk=wallet.pk)
            if locked.welcome_settled_at is None:
                if amount > 0 and not granted.exists():
                    wallet_apply(
                        user=user,
                        amount=amount,
                        kind=LedgerEntry.Kind.WELCOME,
                        reference="welcome",
                        idempotency_key="welcome",
                    )
                Wallet.objects.filter(pk=wallet.pk).update(welcome_settled_at=timezone.now())
    transaction.on_commit(lambda: _remember_settled(seen))


def wallet_welcome_grant(*, user: User) -> None:
    """The welcome credits of a student whose email was just verified (accounts calls it
    through config.wiring, after the verification commits). A failure here never fails the
    verification: the grant is then settled before the student's next spend."""
    try:
        wallet_welcome_settle(user=user)
    except ApiError as exc:  # e.g. the wallet busy
        logger.warning(
            "welcome credits deferred", extra={"user_id": user.pk, "error_code": exc.code}
        )


def _remember_settled(seen: tuple[int, datetime]) -> None:
    if len(_WELCOME_SETTLED) >= _WELCOME_SETTLED_MAX:
        _WELCOME_SETTLED.clear()
    _WELCOME_SETTLED.add(seen)


def wallet_open(*, user: User) -> Wallet:
    """The student's wallet before a spend, its welcome credits settled first
    (wallet_welcome_settle). Reads use wallet.selectors.wallet_balance: a GET never writes."""
    wallet_welcome_settle(user=user)
    return wallet_get_or_create(user=user)


def action_price(*, action: str) -> int:
    """Guru's current credit price of a directly chargeable action (never a stale copy)."""
    price = guru_reads.action_price(
        action, when_missing=guru_reads.refuse(_not_chargeable), directly_chargeable_only=True
    )
    assert price is not None  # noqa: S101 (refused above otherwise)
    return price


def _not_chargeable() -> ActionNotChargeable:
    return ActionNotChargeable(fields={"action": ["Unknown or not directly chargeable."]})


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


def _unknown_code_key(code: str) -> str:
    return "voucher-unknown:" + keyed_hash(code, purpose="voucher-unknown")


def voucher_redeem(*, user: User, code: str) -> VoucherRedemption:
    """Credits user with what Guru's voucher code is worth (code case-insensitive), once per
    student and within Guru's redemption limit. Raises VoucherNotFound, VoucherExpired,
    VoucherAlreadyRedeemed, VoucherExhausted, or GuruUnavailable."""
    code = code.strip().upper()
    # A code Guru just said it does not know is not asked about again for a few seconds,
    # while Guru's content version stays the one it was refused under (an admin creating the
    # code moves the version): guessing costs Guru's key quota (shared by every student)
    # nothing more.
    version = guru_reads.content_version()
    refused_under = cache.get(_unknown_code_key(code))
    if version is not None and refused_under == version:
        raise VoucherNotFound()
    try:
        voucher = guru_reads.voucher(code)
    except GuruNotFound:
        if version is not None:
            cache.set(
                _unknown_code_key(code), version, timeout=settings.VOUCHER_NOT_FOUND_CACHE_SECONDS
            )
        raise VoucherNotFound() from None
    now = timezone.now()
    if not voucher.active or not voucher.valid_from <= now < voucher.valid_until:
        raise VoucherExpired()

    with transaction.atomic():
        VoucherUsage.objects.get_or_create(code=code)
        # The counter row serialises redemptions of one code; the wallet lock comes after it,
        # always in this order.
        usage = VoucherUsage.objects.select_for_update().get(code=code)
        if VoucherRedemption.objects.filter(user=user, code=code).exists():
            raise VoucherAlreadyRedeemed()
        if usage.redemptions >= voucher.max_redemptions:
            raise VoucherExhausted()
        entry = wallet_apply(
            user=user,
            amount=voucher.credits,
            kind=LedgerEntry.Kind.VOUCHER,
            reference=f"voucher:{code}",
            idempotency_key=f"voucher:{code}",
        )
        VoucherUsage.objects.filter(code=code).update(redemptions=F("redemptions") + 1)
        return VoucherRedemption.objects.create(
            user=user, code=code, credits=entry.amount, ledger_entry=entry
        )
