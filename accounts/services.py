"""Writes of the identity core. The OTP service here is the only one; every OTP flow uses it."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.errors import (
    EmailDeliveryFailed,
    OtpAttemptsExceeded,
    OtpCooldown,
    OtpDailyLimit,
    OtpExpired,
    OtpIncorrect,
    OtpInvalid,
    OtpSuperseded,
    OtpUsed,
)
from accounts.models import OtpChallenge, User
from config.errors import ApiError
from config.keyed_hash import keyed_hash, keyed_hash_matches

DAY = timedelta(days=1)


@dataclass(frozen=True)
class IssuedOtp:
    challenge: OtpChallenge
    code: str  # the plain code: goes into one email and nowhere else


def _code_hash_input(challenge_id: uuid.UUID, code: str) -> str:
    return f"{challenge_id}:{code}"


def _hash_purpose(purpose: str) -> str:
    return f"otp:{purpose}"


def _failures_today(*, user: User, now: datetime) -> tuple[int, datetime | None]:
    """Wrong codes entered by this user in the last 24 h, and when the oldest counted one
    stops counting."""
    window = OtpChallenge.objects.filter(user=user, created_at__gt=now - DAY, failed_attempts__gt=0)
    total = window.aggregate(total=Sum("failed_attempts"))["total"] or 0
    oldest = window.order_by("created_at").values_list("created_at", flat=True).first()
    return total, (oldest + DAY if oldest else None)


def _daily_limit_error(*, user: User, now: datetime) -> OtpDailyLimit | None:
    failures, frees_at = _failures_today(user=user, now=now)
    if failures < settings.OTP_DAILY_FAILURE_CAP or frees_at is None:
        return None
    return OtpDailyLimit(retry_after=int((frees_at - now).total_seconds()))


@transaction.atomic
def otp_challenge_create(*, user: User, purpose: str) -> IssuedOtp:
    """A new 6-digit challenge for user and purpose; older open ones for it stop working."""
    if purpose not in OtpChallenge.Purpose.values:
        raise ValueError(f"unknown OTP purpose {purpose!r}")
    # Serialise issuing per user so the cooldown cannot be raced.
    User.objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()

    limit_error = _daily_limit_error(user=user, now=now)
    if limit_error:
        raise limit_error
    last_sent = (
        OtpChallenge.objects.filter(user=user, purpose=purpose)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    cooldown = timedelta(seconds=settings.OTP_RESEND_COOLDOWN_SECONDS)
    if last_sent and now < last_sent + cooldown:
        raise OtpCooldown(retry_after=int((last_sent + cooldown - now).total_seconds()) + 1)

    OtpChallenge.objects.filter(
        user=user, purpose=purpose, consumed_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    challenge_id = uuid.uuid4()
    challenge = OtpChallenge.objects.create(
        id=challenge_id,
        user=user,
        purpose=purpose,
        code_hash=keyed_hash(_code_hash_input(challenge_id, code), purpose=_hash_purpose(purpose)),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    return IssuedOtp(challenge=challenge, code=code)


def otp_challenge_send(*, user: User, purpose: str, subject: str, template: str) -> OtpChallenge:
    """Creates a challenge and emails its code (template gets code, ttl_minutes, user).

    Call outside a transaction: the challenge is committed before the email goes out, and
    removed again if the email fails, so a failed send does not start a cooldown.
    """
    issued = otp_challenge_create(user=user, purpose=purpose)
    body = render_to_string(
        template,
        {"code": issued.code, "ttl_minutes": settings.OTP_TTL_SECONDS // 60, "user": user},
    )
    try:
        send_mail(subject, body, None, [user.email])
    except EmailDeliveryFailed:
        OtpChallenge.objects.filter(pk=issued.challenge.pk).delete()
        raise
    return issued.challenge


def otp_verify(
    *, user: User, purpose: str, code: str, challenge_id: uuid.UUID | None = None
) -> OtpChallenge:
    """Consumes the challenge if `code` is right; raises an OTP error otherwise.

    Without challenge_id, the user's latest challenge for the purpose is checked. Call it
    outside a transaction: a wrong code's count must be committed even though it raises.
    """
    error: ApiError | None = None
    with transaction.atomic():
        challenges = OtpChallenge.objects.select_for_update().filter(user=user)
        if challenge_id is not None:
            challenge = challenges.filter(pk=challenge_id).first()
        else:
            challenge = challenges.filter(purpose=purpose).order_by("-created_at").first()
        now = timezone.now()

        if challenge is None or challenge.purpose != purpose:
            error = OtpInvalid()
        elif challenge.consumed_at is not None:
            error = OtpUsed()
        elif challenge.revoked_at is not None:
            error = OtpSuperseded()
        elif challenge.failed_attempts >= settings.OTP_MAX_ATTEMPTS:
            error = OtpAttemptsExceeded()
        elif now >= challenge.expires_at:
            error = OtpExpired()
        else:
            error = _daily_limit_error(user=user, now=now)

        if error is None and challenge is not None:
            if keyed_hash_matches(
                _code_hash_input(challenge.id, code),
                challenge.code_hash,
                purpose=_hash_purpose(purpose),
            ):
                challenge.consumed_at = now
                challenge.save(update_fields=["consumed_at"])
                return challenge
            OtpChallenge.objects.filter(pk=challenge.pk).update(
                failed_attempts=F("failed_attempts") + 1
            )
            tries_left = settings.OTP_MAX_ATTEMPTS - challenge.failed_attempts - 1
            error = (
                OtpIncorrect(details={"attempts_left": tries_left})
                if tries_left > 0
                else OtpAttemptsExceeded()
            )
    raise error


def otp_challenges_purge(*, now: datetime | None = None) -> int:
    """Deletes challenges that are expired and no longer count towards the daily cap."""
    now = now or timezone.now()
    deleted, _ = OtpChallenge.objects.filter(expires_at__lt=now, created_at__lt=now - DAY).delete()
    return deleted
