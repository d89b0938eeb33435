"""Test steps on a student's wallet: credits an admin granted, and the balance as stored."""

import uuid

from wallet.models import LedgerEntry, Wallet
from wallet.services import wallet_apply


def fund(user, credits: int) -> None:
    """credits granted to user by an admin, each call a grant of its own."""
    wallet_apply(
        user=user,
        amount=credits,
        kind=LedgerEntry.Kind.ADMIN_GRANT,
        reference="test funds",
        idempotency_key=f"test-funds-{uuid.uuid4()}",
    )


def balance(user) -> int:
    """The user's balance as stored (0 with no wallet yet)."""
    wallet = Wallet.objects.filter(user=user).first()
    return wallet.balance if wallet else 0
