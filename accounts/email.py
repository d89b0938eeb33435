"""Email delivery: the outbox every email goes through (recorded in the transaction that
causes it, sent after commit by a worker), and Django's mail backend that sends through the
official Resend SDK."""

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import resend
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.errors import EmailDeliveryFailed
from accounts.models import OtpChallenge, OutboxEmail
from accounts.otp.codes import otp_code
from config.celery import task_enqueue_after_commit

logger = logging.getLogger(__name__)

# Resend answers these when trying again later may succeed (rate limit, its own outage, the
# same idempotency key still in flight); anything else will be refused again.
_RETRYABLE_STATUSES = {409, 429, 500, 502, 503, 504}


class EmailSendRetryable(Exception):
    """The provider could not take the email now; the task tries again with backoff."""


@transaction.atomic
def email_send_after_commit(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any] | None = None,
    otp_challenge: OtpChallenge | None = None,
) -> OutboxEmail:
    """Records an email in the current transaction and queues it once that commits; a
    rolled-back transaction sends nothing. The caller never learns whether it went out.

    template is rendered when the email is sent, with context (no secrets: it is stored) and,
    for a code email, the challenge's code and its validity in minutes. A code email is
    never sent after its code expires, and once delivered it supersedes the user's older
    codes for the same purpose.
    """
    email = OutboxEmail.objects.create(
        to=to,
        subject=subject,
        template=template,
        context=context or {},
        otp_challenge=otp_challenge,
        expires_at=otp_challenge.expires_at if otp_challenge else None,
    )
    task_enqueue_after_commit("accounts.email_outbox_send", str(email.pk))
    return email


def email_outbox_deliver(*, email_id: str) -> str:
    """Sends one outbox email unless it is sent, expired or held by another worker; returns
    what happened. Raises EmailSendRetryable when the provider may take it later.

    The row is claimed for EMAIL_OUTBOX_CLAIM_SECONDS, never locked across the provider's
    call. A worker killed mid-send leaves the claim to lapse, and the next try (beat's
    requeue) sends with the same idempotency key, which Resend answers without a second
    delivery.
    """
    now = timezone.now()
    claimed = (
        OutboxEmail.objects.filter(pk=email_id, status=OutboxEmail.Status.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(
            claimed_until=now + timedelta(seconds=settings.EMAIL_OUTBOX_CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return "not_pending"
    email = OutboxEmail.objects.select_related("otp_challenge").get(pk=email_id)
    challenge = email.otp_challenge

    if email.created_at < now - timedelta(seconds=settings.EMAIL_OUTBOX_MAX_AGE_SECONDS):
        return _email_give_up(email=email, status=OutboxEmail.Status.FAILED, reason="too_old")
    if email.expires_at is not None and (
        now >= email.expires_at
        or challenge is None
        or challenge.consumed_at is not None
        or challenge.revoked_at is not None
    ):
        return _email_give_up(email=email, status=OutboxEmail.Status.EXPIRED, reason="expired")

    context = dict(email.context)
    if challenge is not None:
        code = otp_code(
            challenge_id=challenge.pk,
            purpose=challenge.purpose,
            key_version=challenge.code_key_version,
        )
        if code is None:  # its key was retired before the email could go out
            return _email_give_up(email=email, status=OutboxEmail.Status.EXPIRED, reason="key")
        context.update(code=code, ttl_minutes=settings.OTP_TTL_SECONDS // 60)
    message = OutboxMessage(
        subject=email.subject,
        body=render_to_string(email.template, context),
        to=[email.to],
        idempotency_key=str(email.pk),
    )
    try:
        get_connection().send_messages([message])
    except EmailDeliveryFailed as failure:
        if failure.retryable:
            # The claim is released: the task's own retry comes back to it, and once its
            # retries run out beat does, until the email expires; the same idempotency key
            # keeps any overlap one delivery.
            OutboxEmail.objects.filter(pk=email.pk).update(claimed_until=None)
            raise EmailSendRetryable(failure.error_type) from None
        return _email_give_up(
            email=email, status=OutboxEmail.Status.FAILED, reason=failure.error_type
        )
    _email_sent(email=email, provider_message_id=message.provider_message_id)
    return "sent"


@transaction.atomic
def _email_sent(*, email: OutboxEmail, provider_message_id: str) -> None:
    now = timezone.now()
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENT,
        sent_at=now,
        claimed_until=None,
        provider_message_id=provider_message_id[:100],
        last_error="",
    )
    challenge = email.otp_challenge
    if challenge is not None:
        # Delivered: only now may this code replace the user's older ones.
        OtpChallenge.objects.filter(pk=challenge.pk).update(delivered_at=now)
        if challenge.purpose in OtpChallenge.SUPERSEDED_ON_DELIVERY:
            OtpChallenge.objects.filter(
                user_id=challenge.user_id,
                purpose=challenge.purpose,
                created_at__lt=challenge.created_at,
                consumed_at__isnull=True,
                revoked_at__isnull=True,
            ).update(revoked_at=now)
    logger.info("email sent", extra={"email_id": str(email.pk), "template": email.template})


@transaction.atomic
def _email_give_up(*, email: OutboxEmail, status: str, reason: str) -> str:
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=status, claimed_until=None, last_error=reason[:64]
    )
    if email.otp_challenge_id is not None:
        # Nothing was delivered: the challenge goes, so it holds no cooldown and the code
        # the user already has (still named in their browser) stays the one that works.
        OtpChallenge.objects.filter(pk=email.otp_challenge_id, consumed_at__isnull=True).delete()
    logger.warning(
        "email not sent",
        extra={"email_id": str(email.pk), "template": email.template, "reason": reason},
    )
    return status


def email_outbox_requeue() -> int:
    """Queues again every pending email nobody holds (a lost broker message, a worker killed
    mid-send): nothing waits on the broker's persistence or its visibility timeout. Run by
    beat every minute. Returns how many were queued."""
    now = timezone.now()
    stale = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).filter(
        Q(claimed_until__lt=now)
        # Never claimed: its first task may just be on its way, so give it a minute.
        | Q(claimed_until__isnull=True, created_at__lt=now - timedelta(minutes=1))
    )
    ids = [str(pk) for pk in stale.values_list("pk", flat=True)[:1000]]
    with transaction.atomic():
        for email_id in ids:
            task_enqueue_after_commit("accounts.email_outbox_send", email_id)
    return len(ids)


def email_outbox_purge(*, now: Any = None) -> int:
    """Deletes outbox rows settled (sent, expired, failed) more than 7 days ago."""
    now = now or timezone.now()
    deleted, _ = (
        OutboxEmail.objects.exclude(status=OutboxEmail.Status.PENDING)
        .filter(created_at__lt=now - timedelta(days=7))
        .delete()
    )
    return deleted


class OutboxMessage(EmailMessage):
    """An outbox email on its way to the mail backend: the backend sends its idempotency key
    with it and records the provider's message id."""

    def __init__(self, *, idempotency_key: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.idempotency_key = idempotency_key
        self.provider_message_id = ""


class ResendEmailBackend(BaseEmailBackend):
    """EMAIL_BACKEND used when RESEND_API_KEY is set. A failed send raises
    EmailDeliveryFailed (telling whether a later try may succeed) unless fail_silently."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        # The SDK keeps its configuration in module globals; ours come from settings.
        resend.api_key = settings.RESEND_API_KEY
        resend.api_url = settings.RESEND_API_URL.rstrip("/")
        resend.default_http_client = resend.RequestsClient(timeout=settings.RESEND_TIMEOUT_SECONDS)
        sent = 0
        for message in email_messages:
            options: resend.Emails.SendOptions = {}
            idempotency_key = getattr(message, "idempotency_key", None)
            if idempotency_key:
                options["idempotency_key"] = idempotency_key
            try:
                response = resend.Emails.send(_resend_params(message), options)
            except resend.exceptions.ResendError as exc:
                status = _status(exc)
                # The SDK's message may quote the request; only its status and type are logged.
                logger.error(
                    "email delivery failed", extra={"status": status, "type": exc.error_type}
                )
                if not self.fail_silently:
                    raise EmailDeliveryFailed(
                        retryable=status in _RETRYABLE_STATUSES, error_type=exc.error_type
                    ) from None
            else:
                if isinstance(message, OutboxMessage):
                    message.provider_message_id = str(response.get("id", ""))
                sent += 1
        return sent


def _status(exc: "resend.exceptions.ResendError") -> int | None:
    try:
        return int(exc.code)
    except (TypeError, ValueError):
        return None


def _resend_params(message: EmailMessage) -> "resend.Emails.SendParams":
    params: resend.Emails.SendParams = {
        "from": message.from_email or settings.DEFAULT_FROM_EMAIL,
        "to": list(message.to),
        "subject": str(message.subject),
        "text": str(message.body),
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
