"""Writes of the identity core: the OTP service (the only one; every OTP flow uses it), then
student signup, login, sessions, passwords and profile."""

import logging
import math
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.errors import (
    EmailDeliveryFailed,
    EmailNotVerified,
    InvalidCredentials,
    OtpAttemptsExceeded,
    OtpCooldown,
    OtpDailyLimit,
    OtpExpired,
    OtpIncorrect,
    OtpInvalid,
    OtpSuperseded,
    OtpUsed,
    PasswordIncorrect,
    UsernameTaken,
)
from accounts.models import OtpChallenge, User, UserSession
from accounts.selectors import signup_pending_password, student_by_email, user_session_keys
from config.authentication import session_clock_start
from config.errors import ApiError, InvalidInput
from config.keyed_hash import keyed_hash, keyed_hash_matches

logger = logging.getLogger(__name__)

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
def otp_challenge_create(*, user: User, purpose: str, pending_password: str = "") -> IssuedOtp:
    """A new 6-digit challenge for user and purpose; older open ones for it stop working.

    pending_password (a hash) is the password a signup asked for; it becomes the account's
    only when this challenge is verified.
    """
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
        pending_password=pending_password,
    )
    return IssuedOtp(challenge=challenge, code=code)


def otp_challenge_send(
    *, user: User, purpose: str, subject: str, template: str, pending_password: str = ""
) -> OtpChallenge:
    """Creates a challenge and emails its code (template gets code, ttl_minutes, user).

    Call outside a transaction: the challenge is committed before the email goes out, and
    removed again if the email fails, so a failed send does not start a cooldown.
    """
    issued = otp_challenge_create(user=user, purpose=purpose, pending_password=pending_password)
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


# --- Students: signup, login, sessions, passwords -------------------------------------------

SIGNUP = OtpChallenge.Purpose.SIGNUP
PASSWORD_RESET = OtpChallenge.Purpose.PASSWORD_RESET


def email_normalize(email: str) -> str:
    return email.strip().lower()


def password_validate(*, password: str, user: User, field: str) -> None:
    """Django's validators (length, common, numeric, similar to email or name)."""
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise InvalidInput(fields={field: list(exc.messages)}) from None


def _email_cooldown_start(*, purpose: str, email: str) -> str:
    """The resend cooldown, counted per email address rather than per account, so that known
    and unknown addresses answer alike. Returns the key, to lift it if the email fails."""
    key = f"otp-email-cooldown:{keyed_hash(email, purpose=f'otp-email-cooldown:{purpose}')}"
    until = time.time() + settings.OTP_RESEND_COOLDOWN_SECONDS
    if not cache.add(key, until, timeout=settings.OTP_RESEND_COOLDOWN_SECONDS):
        retry_after = math.ceil((cache.get(key) or until) - time.time())
        raise OtpCooldown(retry_after=retry_after)
    return key


def _otp_email_send(
    *, cooldown_key: str, user: User, purpose: str, pending_password: str = ""
) -> None:
    subject, template = {
        SIGNUP: ("Verify your OurShiksha email", "emails/otp_code.txt"),
        PASSWORD_RESET: ("Reset your OurShiksha password", "emails/password_reset_code.txt"),
    }[purpose]
    try:
        otp_challenge_send(
            user=user,
            purpose=purpose,
            subject=subject,
            template=template,
            pending_password=pending_password,
        )
    except EmailDeliveryFailed:
        # Nothing was sent, so nothing to wait for.
        cache.delete(cooldown_key)
        raise


def _account_exists_notice_send(*, cooldown_key: str, user: User) -> None:
    body = render_to_string("emails/account_exists.txt", {"user": user})
    try:
        send_mail("You already have an OurShiksha account", body, None, [user.email])
    except EmailDeliveryFailed:
        cache.delete(cooldown_key)
        raise


def student_signup(*, email: str, password: str, name: str) -> None:
    """Starts or restarts a signup. Every address gets the same answer: a new one gets a
    code, an unverified one a new code carrying this signup's password, a verified student a
    notice that the account exists, an admin or a disabled account nothing."""
    email = email_normalize(email)
    password_validate(password=password, user=User(email=email, name=name), field="password")
    cooldown_key = _email_cooldown_start(purpose=SIGNUP, email=email)
    user, created = User.objects.get_or_create(
        email=email, defaults={"name": name, "password": make_password(None)}
    )
    if user.role != User.Role.STUDENT or not user.is_active:
        logger.info("signup ignored for a non-student account", extra={"user_id": user.pk})
        return
    if user.email_verified_at is not None:
        _account_exists_notice_send(cooldown_key=cooldown_key, user=user)
        logger.info("signup for a verified account", extra={"user_id": user.pk})
        return
    _otp_email_send(
        cooldown_key=cooldown_key,
        user=user,
        purpose=SIGNUP,
        pending_password=make_password(password),
    )
    if not created and user.name != name:
        User.objects.filter(pk=user.pk).update(name=name)
    logger.info("signup code sent", extra={"user_id": user.pk, "new_account": created})


def signup_otp_resend(*, email: str) -> None:
    """A new signup code for an unverified student, carrying the latest signup's password;
    any other address is answered alike and sent nothing."""
    email = email_normalize(email)
    cooldown_key = _email_cooldown_start(purpose=SIGNUP, email=email)
    user = student_by_email(email=email)
    if user is None or user.email_verified_at is not None:
        return
    pending_password = signup_pending_password(user=user)
    if not pending_password:
        return
    _otp_email_send(
        cooldown_key=cooldown_key, user=user, purpose=SIGNUP, pending_password=pending_password
    )
    logger.info("signup code resent", extra={"user_id": user.pk})


@transaction.atomic
def _signup_complete(*, user: User, challenge: OtpChallenge) -> None:
    user.password = challenge.pending_password
    user.email_verified_at = timezone.now()
    user.save(update_fields=["password", "email_verified_at"])
    # The other signups' passwords can never apply now; keep no copy of them.
    OtpChallenge.objects.filter(user=user, purpose=SIGNUP).exclude(pending_password="").update(
        pending_password=""
    )


def signup_verify(*, request: HttpRequest, email: str, code: str) -> User:
    """Verifies the email with the code, sets the password that code's signup chose, and
    logs the student in."""
    user = student_by_email(email=email_normalize(email))
    if user is None:
        raise OtpInvalid()
    challenge = otp_verify(user=user, purpose=SIGNUP, code=code)
    _signup_complete(user=user, challenge=challenge)
    session_login(request=request, user=user)
    logger.info("email verified", extra={"user_id": user.pk})
    return user


def student_login(*, request: HttpRequest, email: str, password: str) -> User:
    user = student_by_email(email=email_normalize(email))
    if user is None:
        # Hash anyway, so an unknown address takes as long as a wrong password.
        make_password(password)
        raise InvalidCredentials()
    if user.email_verified_at is None:
        # Only whoever chose the pending password learns the account is unverified.
        pending_password = signup_pending_password(user=user)
        if pending_password and check_password(password, pending_password):
            raise EmailNotVerified()
        raise InvalidCredentials()
    if not user.check_password(password):
        logger.info("login refused: wrong password", extra={"user_id": user.pk})
        raise InvalidCredentials()
    session_login(request=request, user=user)
    logger.info("student logged in", extra={"user_id": user.pk})
    return user


def session_login(*, request: HttpRequest, user: User) -> None:
    """Logs the user into a new session with a new key and records it as theirs."""
    # Django keeps the key when the same user logs in again; a login always gets a new one.
    request.session.flush()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    session_clock_start(request.session)
    request.session.save()
    UserSession.objects.create(session_id=request.session.session_key, user=user)


def sessions_end(*, user: User) -> int:
    """Ends every session of the user through the session store (so a cached session
    engine forgets them too). Returns how many were ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = user_session_keys(user=user)
    for key in keys:
        store(session_key=key).delete()
    return len(keys)


def session_logout(*, request: HttpRequest) -> None:
    user_id = request.user.pk
    logout(request)
    logger.info("student logged out", extra={"user_id": user_id})


def session_logout_everywhere(*, request: HttpRequest) -> None:
    user = request.user
    ended = sessions_end(user=user)
    logout(request)
    logger.info("student logged out everywhere", extra={"user_id": user.pk, "ended": ended})


def password_change(*, request: HttpRequest, current_password: str, new_password: str) -> None:
    """Changes a logged-in student's password: every other session ends, this one goes on
    under a new key."""
    user = request.user
    if not user.check_password(current_password):
        raise PasswordIncorrect(fields={"current_password": [PasswordIncorrect.message]})
    password_validate(password=new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    sessions_end(user=user)
    session_login(request=request, user=user)
    logger.info("password changed", extra={"user_id": user.pk})


def password_reset_request(*, email: str) -> None:
    """Emails a reset code to a verified student; any other address is answered alike."""
    email = email_normalize(email)
    cooldown_key = _email_cooldown_start(purpose=PASSWORD_RESET, email=email)
    user = student_by_email(email=email)
    if user is None or user.email_verified_at is None:
        return
    _otp_email_send(cooldown_key=cooldown_key, user=user, purpose=PASSWORD_RESET)
    logger.info("password reset code sent", extra={"user_id": user.pk})


def password_reset(*, request: HttpRequest, email: str, code: str, new_password: str) -> User:
    """Sets a new password with an emailed code: every session of the student ends and this
    browser is logged in afresh."""
    email = email_normalize(email)
    user = student_by_email(email=email)
    password_validate(password=new_password, user=user or User(email=email), field="new_password")
    if user is None or user.email_verified_at is None:
        raise OtpInvalid()
    otp_verify(user=user, purpose=PASSWORD_RESET, code=code)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    sessions_end(user=user)
    session_login(request=request, user=user)
    logger.info("password reset", extra={"user_id": user.pk})
    return user


# --- Students: profile -----------------------------------------------------------------------


@transaction.atomic
def profile_update(*, user: User, data: dict[str, Any]) -> User:
    """Applies validated profile changes (field name -> value); a username someone else
    holds is a conflict."""
    username = data.get("username")
    if username and User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
        raise UsernameTaken(fields={"username": [UsernameTaken.message]})
    for name, value in data.items():
        setattr(user, name, value)
    try:
        with transaction.atomic():
            user.save(update_fields=list(data))
    except IntegrityError:
        # Taken between the check and the save.
        raise UsernameTaken(fields={"username": [UsernameTaken.message]}) from None
    return user
