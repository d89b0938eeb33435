"""Email delivery: Django's mail API, sent through the official Resend SDK, and the
background outbox that the student flows send through."""

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import resend
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connections, transaction

from accounts.errors import EmailDeliveryFailed

logger = logging.getLogger(__name__)

# Emails the student flows send (codes, notices) leave on these threads: how long a request
# waits on the provider would otherwise tell whether the address has an account.
OUTBOX = ThreadPoolExecutor(max_workers=4, thread_name_prefix="email-outbox")


def email_send_after_commit(
    *, subject: str, body: str, to: str, on_failure: Callable[[], None] | None = None
) -> None:
    """Sends one email once the current transaction commits, in the background; the caller
    never learns whether it went out. on_failure runs (on the outbox thread) if it did not."""
    transaction.on_commit(lambda: OUTBOX.submit(_deliver, subject, body, to, on_failure))


def _deliver(subject: str, body: str, to: str, on_failure: Callable[[], None] | None) -> None:
    try:
        send_mail(subject, body, None, [to])
    except Exception:
        # The backend has logged why (without the message); any other error is logged here
        # by type only, since the body may hold a code.
        logger.error("background email not sent", extra={"subject": subject})
        if on_failure is not None:
            on_failure()
    finally:
        # This thread's own database connections (on_failure may have used one).
        connections.close_all()


class ResendEmailBackend(BaseEmailBackend):
    """EMAIL_BACKEND used when RESEND_API_KEY is set. A failed send raises
    EmailDeliveryFailed (503, code email_delivery_failed) unless fail_silently."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        # The SDK keeps its configuration in module globals; ours come from settings.
        resend.api_key = settings.RESEND_API_KEY
        resend.api_url = settings.RESEND_API_URL.rstrip("/")
        resend.default_http_client = resend.RequestsClient(timeout=settings.RESEND_TIMEOUT_SECONDS)
        sent = 0
        for message in email_messages:
            try:
                resend.Emails.send(_resend_params(message))
            except resend.exceptions.ResendError as exc:
                # The SDK's message may quote the request; only its status and type are logged.
                logger.error(
                    "email delivery failed",
                    extra={"status": getattr(exc, "code", None), "type": exc.error_type},
                )
                if not self.fail_silently:
                    raise EmailDeliveryFailed() from None
            else:
                sent += 1
        return sent


def _resend_params(message: EmailMessage) -> "resend.Emails.SendParams":
    params: resend.Emails.SendParams = {
        "from": message.from_email or settings.DEFAULT_FROM_EMAIL,
        "to": list(message.to),
        "subject": message.subject,
        "text": message.body,
    }
    if message.cc:
        params["cc"] = list(message.cc)
    if message.bcc:
        params["bcc"] = list(message.bcc)
    if message.reply_to:
        params["reply_to"] = list(message.reply_to)
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                params["html"] = str(content)
    return params
