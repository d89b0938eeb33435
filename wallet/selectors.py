"""Reads of wallets and their ledgers."""

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import Coalesce

from wallet.models import LedgerEntry, Wallet


def ledger_entries(*, wallet: Wallet, kind: str | None = None) -> QuerySet[LedgerEntry]:
    entries = LedgerEntry.objects.filter(wallet=wallet)
    return entries.filter(kind=kind) if kind else entries


def wallets_not_matching_ledger() -> QuerySet[Wallet]:
    """Wallets whose stored balance differs from the sum of their ledger (ledger_sum)."""
    return (
        Wallet.objects.annotate(ledger_sum=Coalesce(Sum("entries__amount"), 0))
        .exclude(balance=F("ledger_sum"))
        .order_by("pk")
    )
