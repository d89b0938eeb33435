"""Background work of payments: reconciliation with Razorpay, run by beat."""

from celery import shared_task

from payments.services import payments_reconcile


@shared_task(name="payments.payments_reconcile")
def payments_reconcile_task() -> dict[str, int]:
    return payments_reconcile()
