"""Background work of the wallet, run by beat: purging Idempotency-Key records (and the
replay records of signed calls) and checking every balance against its ledger."""

import logging

from celery import shared_task

from config.system_signature import signed_call_records_purge
from wallet.idempotency import idempotency_records_purge
from wallet.selectors import wallets_not_matching_ledger

logger = logging.getLogger(__name__)


@shared_task(name="wallet.idempotency_records_purge")
def idempotency_records_purge_task() -> list[int]:
    """What `manage.py purge_idempotency_records` does: expired Idempotency-Key records, then
    the records of system signatures whose window has passed. Returns how many of each."""
    return [idempotency_records_purge(), signed_call_records_purge()]


@shared_task(name="wallet.wallets_check")
def wallets_check() -> int:
    """What `manage.py check_wallets` checks; each mismatch is logged as an error (alerting
    watches for it). Returns how many wallets do not match."""
    mismatches = list(wallets_not_matching_ledger())
    for wallet in mismatches:
        logger.error(
            "wallet does not match its ledger",
            extra={
                "wallet_id": wallet.pk,
                "user_id": wallet.user_id,
                "balance": wallet.balance,
                "ledger_sum": wallet.ledger_sum,
            },
        )
    return len(mismatches)
