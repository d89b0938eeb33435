"""Where an event of the identity core (accounts, which imports no other app) reaches the
services of the apps that act on it. Named by dotted path, so accounts depends on this module
only; each receiver is a service with keyword-only arguments, called after the event commits.
"""

from functools import partial
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

# A student's email was verified: their welcome credits are granted at Guru's value now.
EMAIL_VERIFIED = ("wallet.services.wallet_welcome_grant",)


def email_verified(*, user: Any) -> None:
    """Call inside or after the verification's transaction: receivers run once it commits."""
    for receiver in EMAIL_VERIFIED:
        transaction.on_commit(partial(_receive, receiver, user=user))


def _receive(receiver: str, *, user: Any) -> None:
    import_string(receiver)(user=user)
