"""Reads of wallets and their ledgers."""

from typing import TYPE_CHECKING, TypedDict

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts.models import User
from wallet.models import LedgerEntry, Wallet

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class LedgerSum(TypedDict):
    ledger_sum: int


def wallet_balance(*, user_id: int) -> int:
    """The student's balance; 0 before their wallet exists (a read creates nothing)."""
    balance = Wallet.objects.filter(user_id=user_id).values_list("balance", flat=True).first()
    return balance or 0


def ledger_entries(*, user_id: int, kind: str | None = None) -> QuerySet[LedgerEntry]:
    entries = LedgerEntry.objects.filter(wallet__user_id=user_id)
    return entries.filter(kind=kind) if kind else entries


def students_welcome_unsettled() -> QuerySet[User]:
    """Verified students whose welcome credits were never settled (no wallet yet, or a wallet
    without the settled mark), oldest first."""
    return (
        User.objects.filter(role=User.Role.STUDENT, email_verified_at__isnull=False)
        .exclude(wallet__welcome_settled_at__isnull=False)
        .order_by("pk")
    )


def wallets_not_matching_ledger() -> "QuerySet[WithAnnotations[Wallet, LedgerSum]]":
    """Wallets whose stored balance differs from the sum of their ledger (ledger_sum)."""
    return (
        Wallet.objects.annotate(ledger_sum=Coalesce(Sum("entries__amount"), 0))
        .exclude(balance=F("ledger_sum"))
        .order_by("pk")
    )
