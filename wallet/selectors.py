"""Reads of wallets and their ledgers."""

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import Coalesce

from wallet.models import LedgerEntry, Wallet


def wallet_balance(*, user_id: int) -> int:
    """The student's balance; 0 before their wallet exists (a read creates nothing)."""
    balance = Wallet.objects.filter(user_id=user_id).values_list("balance", flat=True).first()
    return balance or 0


def ledger_entries(*, user_id: int, kind: str | None = None) -> QuerySet[LedgerEntry]:
    entries = LedgerEntry.objects.filter(wallet__user_id=user_id)
    return entries.filter(kind=kind) if kind else entries


def wallets_not_matching_ledger() -> QuerySet[Wallet]:
    """Wallets whose stored balance differs from the sum of their ledger (ledger_sum)."""
    return (
        Wallet.objects.annotate(ledger_sum=Coalesce(Sum("entries__amount"), 0))
        .exclude(balance=F("ledger_sum"))
        .order_by("pk")
    )
