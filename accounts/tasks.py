"""Background work of the identity core: sending outbox emails, and the daily purges beat
runs (config/celery.py holds the schedule)."""

import logging
from importlib import import_module

from celery import Task, shared_task
from django.conf import settings

from accounts.email import (
    EmailSendRetryable,
    email_outbox_deliver,
    email_outbox_purge,
    email_outbox_requeue,
)
from accounts.otp.services import otp_challenges_purge

logger = logging.getLogger(__name__)


@shared_task(
    name="accounts.email_outbox_send",
    bind=True,
    autoretry_for=(EmailSendRetryable,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=settings.EMAIL_SEND_MAX_RETRIES,
)
def email_outbox_send(self: "Task[[str], str]", email_id: str) -> str:
    """Sends one outbox email (its id only: the task carries no address, body or code).
    When its retries run out the row stays pending: beat queues it again every minute until
    it expires (a code email with its code, any other at EMAIL_OUTBOX_MAX_AGE_SECONDS)."""
    try:
        return email_outbox_deliver(email_id=email_id)
    except EmailSendRetryable as transient:
        if self.max_retries is not None and self.request.retries >= self.max_retries:
            logger.warning(
                "email retries ran out; beat tries again", extra={"error": str(transient)}
            )
            return "pending"
        raise


@shared_task(name="accounts.email_outbox_requeue")
def email_outbox_requeue_task() -> int:
    return email_outbox_requeue()


@shared_task(name="accounts.email_outbox_purge")
def email_outbox_purge_task() -> int:
    return email_outbox_purge()


@shared_task(name="accounts.otp_challenges_purge")
def otp_challenges_purge_task() -> list[int]:
    return list(otp_challenges_purge())


@shared_task(name="accounts.sessions_clear_expired")
def sessions_clear_expired() -> None:
    """What `manage.py clearsessions` does: the expired student sessions, and with them the
    rows that map each to its user."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
