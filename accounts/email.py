"""Email delivery: Django's mail API, sent through the official Resend SDK."""

import logging
from collections.abc import Sequence

import resend
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

from accounts.errors import EmailDeliveryFailed

logger = logging.getLogger(__name__)


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
