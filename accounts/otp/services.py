"""The OTP service, the only one (student signup and reset codes and admin sign-in codes all
use it): issue a challenge and email its code, verify a code, purge what has expired."""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.email import email_send_after_commit
from accounts.errors import (
    OtpAttemptsExceeded,
    OtpDailyLimit,
    OtpExpired,
    OtpIncorrect,
    OtpInvalid,
    OtpSuperseded,
    OtpUsed,
)
from accounts.models import OtpChallenge, User
from accounts.otp.codes import otp_code_key_version, otp_code_matches
from accounts.otp.selectors import DAY, otp_failures_today
from config.errors import ApiError

logger = logging.getLogger(__name__)


def _daily_limit_error(
    *, user: User, purpose: str, source: str, now: datetime
) -> OtpDailyLimit | None:
    failures, frees_at = otp_failures_today(user=user, purpose=purpose, source=source, now=now)
    if failures < settings.OTP_DAILY_FAILURE_CAP or frees_at is None:
        return None
    return OtpDailyLimit(retry_after=int((frees_at - now).total_seconds()))


@transaction.atomic
def otp_challenge_create(
    *,
    user: User,
    purpose: str,
    source: str = "",
    pending_password: str = "",
    pending_name: str = "",
    challenge_id: uuid.UUID | None = None,
) -> OtpChallenge:
    """A new 6-digit challenge for user and purpose, asked for from source (a keyed hash of
    the network; blank for admin sign-in); its code is derived from its id (accounts.otp.codes)
    and stored nowhere. It revokes nothing: an older code stays valid until the new one's
    email is delivered.

    No cooldown here: a cooldown per account is state a stranger can spend. Student resends
    wait per browser (accounts.student_codes); admin codes need the password first.

    pending_password (a hash) and pending_name are what a signup asked for; they become the
    account's only when this challenge is verified. challenge_id, if given, is the id the
    caller already answered with (admin sign-in draws it before the challenge exists).
    """
    if purpose not in OtpChallenge.Purpose.values:
        raise ValueError(f"unknown OTP purpose {purpose!r}")
    # Serialise issuing per user, so the daily cap's count cannot be raced.
    User.objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()

    limit_error = _daily_limit_error(user=user, purpose=purpose, source=source, now=now)
    if limit_error:
        raise limit_error

    return OtpChallenge.objects.create(
        id=challenge_id or uuid.uuid4(),
        user=user,
        purpose=purpose,
        code_key_version=otp_code_key_version(),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
        source=source,
        pending_password=pending_password,
        pending_name=pending_name,
    )


@transaction.atomic
def otp_challenge_send(
    *,
    user: User,
    purpose: str,
    subject: str,
    template: str,
    source: str = "",
    pending_password: str = "",
    pending_name: str = "",
    challenge_id: uuid.UUID | None = None,
) -> OtpChallenge | None:
    """Creates a challenge and records its email (template gets code and ttl_minutes) in the
    same transaction; the email goes out after commit, in the background, and the caller
    never learns whether it was delivered. Once it is, the new code supersedes the older
    ones; if it never is (refused, expired first), the challenge is deleted, so the previous
    code keeps working. Returns None, sending nothing, when the daily cap of wrong codes
    refuses: a refusal only a real account could meet is never told."""
    try:
        challenge = otp_challenge_create(
            user=user,
            purpose=purpose,
            source=source,
            pending_password=pending_password,
            pending_name=pending_name,
            challenge_id=challenge_id,
        )
    except OtpDailyLimit:
        logger.info("code not issued", extra={"user_id": user.pk, "reason": OtpDailyLimit.code})
        return None
    email_send_after_commit(
        to=user.email, subject=subject, template=template, otp_challenge=challenge
    )
    return challenge


def otp_verify(
    *,
    user: User,
    purpose: str,
    code: str,
    challenge_id: uuid.UUID | None = None,
    then: Callable[[OtpChallenge], None] | None = None,
) -> OtpChallenge:
    """Consumes the challenge if `code` is right; raises an OTP error otherwise.

    Without challenge_id, the user's latest challenge for the purpose is checked. `then`, if
    given, runs in the same transaction once the code matched, with the user's row locked:
    what the code authorises is done together with consuming it, and if `then` raises, the
    code stays unused. Call it outside a transaction: a wrong code's count must be committed
    even though it raises.
    """
    error: ApiError | None
    with transaction.atomic():
        # The user's row first, as issuing does: one lock order for every OTP write.
        User.objects.select_for_update().filter(pk=user.pk).first()
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
            error = _daily_limit_error(user=user, purpose=purpose, source=challenge.source, now=now)
            if error is None:
                if otp_code_matches(
                    challenge_id=challenge.id,
                    purpose=challenge.purpose,
                    key_version=challenge.code_key_version,
                    code=code,
                ):
                    challenge.consumed_at = now
                    challenge.save(update_fields=["consumed_at"])
                    if then is not None:
                        then(challenge)
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


@transaction.atomic
def otp_challenges_purge(*, now: datetime | None = None) -> tuple[int, int]:
    """Deletes challenges that are expired and no longer count towards the daily cap, then
    the students who never verified their email and have had no signup code for a day: their
    address becomes free again, as if the signup had never started. Returns how many
    challenges and how many such accounts were deleted."""
    now = now or timezone.now()
    challenges, _ = OtpChallenge.objects.filter(
        expires_at__lt=now, created_at__lt=now - DAY
    ).delete()
    abandoned = User.objects.filter(
        role=User.Role.STUDENT,
        email_verified_at__isnull=True,
        date_joined__lt=now - DAY,
    ).exclude(otp_challenges__created_at__gte=now - DAY)
    _, deleted = User.objects.filter(pk__in=abandoned.values("pk")).delete()
    return challenges, deleted.get(User._meta.label, 0)
