"""Writes of the identity core: the OTP service (the only one; every OTP flow uses it), then
student signup, login, sessions, passwords and profile."""

import enum
import logging
import math
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, OrderBy, Sum
from django.http import HttpRequest
from django.utils import timezone

from accounts.email import email_send_after_commit
from accounts.errors import (
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
from accounts.otp_codes import otp_code_key_version, otp_code_matches
from accounts.permissions import student_of
from accounts.selectors import signup_pending_password, student_by_email, user_session_keys
from accounts.signin_limits import browser_known
from config import wiring
from config.authentication import session_clock_start
from config.client_ip import client_source
from config.errors import ApiError, InvalidInput, RateLimited
from config.keyed_hash import keyed_hash
from config.ratelimit import rate_limit

logger = logging.getLogger(__name__)

DAY = timedelta(days=1)


def _failures_today(
    *, user: User, purpose: str, source: str, now: datetime
) -> tuple[int, datetime | None]:
    """Wrong codes entered for this user and purpose, on codes asked for from this source, in
    the last 24 h, and when the oldest counted one stops counting. Counted per purpose, so
    wrong signup codes never hold up a password reset, nor wrong reset codes an admin's
    sign-in; and per source, so a stranger's wrong codes never hold up the owner's."""
    window = OtpChallenge.objects.filter(
        user=user,
        purpose=purpose,
        source=source,
        created_at__gt=now - DAY,
        failed_attempts__gt=0,
    )
    total = window.aggregate(total=Sum("failed_attempts"))["total"] or 0
    oldest = window.order_by("created_at").values_list("created_at", flat=True).first()
    return total, (oldest + DAY if oldest else None)


def _daily_limit_error(
    *, user: User, purpose: str, source: str, now: datetime
) -> OtpDailyLimit | None:
    failures, frees_at = _failures_today(user=user, purpose=purpose, source=source, now=now)
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
    the network; blank for admin sign-in); its code is derived from its id (accounts.otp_codes)
    and stored nowhere. It revokes nothing: an older code stays valid until the new one's
    email is delivered.

    No cooldown here: a cooldown per account is state a stranger can spend. Student resends
    wait per browser (see _browser_cooldown_check); admin codes need the password first.

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


# --- Students: signup, login, sessions, passwords -------------------------------------------

SIGNUP = OtpChallenge.Purpose.SIGNUP
PASSWORD_RESET = OtpChallenge.Purpose.PASSWORD_RESET
_CODE_EMAILS: dict[str, tuple[str, str]] = {
    SIGNUP: ("Verify your OurShiksha email", "emails/otp_code.txt"),
    PASSWORD_RESET: ("Reset your OurShiksha password", "emails/password_reset_code.txt"),
}


def email_normalize(email: str) -> str:
    return email.strip().lower()


def password_validate(*, password: str, user: User, field: str) -> None:
    """Django's validators (length, common, numeric, similar to email or name)."""
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise InvalidInput(fields={field: list(exc.messages)}) from None


def _browser_cooldown_check(*, request: HttpRequest, purpose: str, email: str) -> None:
    """The resend cooldown, kept by the browser's own challenge for this address: a browser
    that asked moments ago waits (429 otp_cooldown), whatever the address; a stranger asking
    for the same address from another browser never makes this one wait."""
    entry = _browser_entry(request=request, purpose=purpose, email=email)
    if entry is None:
        return
    wait = entry["issued_at"] + settings.OTP_RESEND_COOLDOWN_SECONDS - time.time()
    if wait > 0:
        raise OtpCooldown(retry_after=math.ceil(wait))


def _email_budget_take(*, request: HttpRequest, email: str) -> bool:
    """Whether one more email may go to this address now, counting it if so: an hourly cap
    per address (a browser that signed in to the account before is never held by it) and a
    global hourly budget. Past either the send is skipped silently, since telling would
    answer differently for some addresses."""
    limits = [{"group": "email:global", "key": "all", "rate": settings.EMAIL_RATE_GLOBAL}]
    if not browser_known(request, email=email):
        limits.insert(
            0, {"group": "email:address", "key": email, "rate": settings.EMAIL_RATE_PER_ADDRESS}
        )
    for limit in limits:
        try:
            rate_limit(request, **limit)
        except RateLimited:
            logger.info("email skipped: over budget", extra={"budget": limit["group"]})
            return False
    return True


def _request_source(request: HttpRequest) -> str:
    return keyed_hash(client_source(request), purpose="otp-source")


# A student's signup and reset codes are bound to the browser that asked for them: its session
# names the challenge (under "otp:<purpose>"), and only that browser can enter the code. A
# stranger's signup or reset for the same address never reaches the owner's challenge. Every
# request that could have issued a code writes this entry, a random id standing in when
# nothing was issued, so the session (and its cookie) looks alike whatever the address.


def _browser_entry_key(purpose: str) -> str:
    return f"otp:{purpose}"


def _browser_entry(*, request: HttpRequest, purpose: str, email: str) -> dict[str, Any] | None:
    """This browser's pending challenge for purpose, if it was asked for this email."""
    entry = request.session.get(_browser_entry_key(purpose))
    return entry if entry and entry["email"] == email else None


def _browser_challenge_remember(
    *, request: HttpRequest, purpose: str, email: str, challenge_id: uuid.UUID | None
) -> None:
    """Names the browser's new challenge, keeping the one before it: if the new code's email
    fails, its challenge is deleted and the earlier code works again."""
    previous = _browser_entry(request=request, purpose=purpose, email=email)
    challenge_ids = [str(challenge_id or uuid.uuid4())]
    if previous:
        challenge_ids.append(previous["challenge_ids"][0])
    request.session[_browser_entry_key(purpose)] = {
        "email": email,
        "challenge_ids": challenge_ids,
        # For a stand-in id, which has no row to count its wrong codes or its expiry.
        "issued_at": time.time(),
        "failures": 0,
    }


def _browser_challenge(
    *, entry: dict[str, Any], user: User | None, delivered_first: bool = True
) -> OtpChallenge | None:
    """The browser's challenge that counts, or None (a stand-in id, a challenge whose email
    failed or that was purged). For checking a code, the newest delivered one (a newer code
    replaces the older only once its email is out), else the newest; for a resend, which
    carries the browser's latest signup, the newest (delivered_first=False)."""
    if user is None:
        return None
    order: list[str | OrderBy] = ["-created_at"]
    if delivered_first:
        order.insert(0, F("delivered_at").desc(nulls_last=True))
    return (
        OtpChallenge.objects.filter(user=user, pk__in=entry["challenge_ids"])
        .order_by(*order)
        .first()
    )


def _stand_in_refusal(*, request: HttpRequest, entry: dict[str, Any]) -> ApiError:
    """What a code entered against a stand-in gets: the answers a real challenge gives a
    wrong code, in the same order, so the browser learns nothing about the address."""
    if entry["failures"] >= settings.OTP_MAX_ATTEMPTS:
        return OtpAttemptsExceeded()
    if time.time() >= entry["issued_at"] + settings.OTP_TTL_SECONDS:
        return OtpExpired()
    entry["failures"] += 1
    request.session.modified = True
    tries_left = settings.OTP_MAX_ATTEMPTS - entry["failures"]
    return (
        OtpIncorrect(details={"attempts_left": tries_left}) if tries_left else OtpAttemptsExceeded()
    )


def _browser_code_verify(
    *,
    request: HttpRequest,
    purpose: str,
    email: str,
    code: str,
    then: Callable[[OtpChallenge], None],
) -> OtpChallenge:
    """Checks the code against the challenge this browser asked for. A browser that asked
    for none for this email gets otp_invalid, whatever the address; only the browser that
    owns a challenge hears whether its code was wrong, expired, used or tried too often."""
    entry = _browser_entry(request=request, purpose=purpose, email=email)
    if entry is None:
        raise OtpInvalid()
    user = student_by_email(email=email)
    challenge = _browser_challenge(entry=entry, user=user)
    if user is None or challenge is None:
        raise _stand_in_refusal(request=request, entry=entry)
    return otp_verify(user=user, purpose=purpose, code=code, challenge_id=challenge.pk, then=then)


def _student_for_update(*, email: str) -> User | None:
    """The student with this email, their row locked until the transaction ends."""
    user = student_by_email(email=email)
    return None if user is None else User.objects.select_for_update().get(pk=user.pk)


def _session_login_keeping_entry(*, request: HttpRequest, user: User, purpose: str) -> None:
    """Logs in, keeping the browser's challenge named (login starts a new session): the same
    code entered again is then otp_used rather than otp_invalid."""
    entry = request.session.get(_browser_entry_key(purpose))
    session_login(request=request, user=user)
    request.session[_browser_entry_key(purpose)] = entry


def _student_code_issue(
    *,
    request: HttpRequest,
    user: User,
    purpose: str,
    pending_password: str = "",
    pending_name: str = "",
) -> uuid.UUID | None:
    """Creates a challenge and emails its code after commit, in the background. Returns None
    when the email budget or the OTP service (daily cap) refuses: the caller answers as if a
    code had gone out, since a 429 here would be given to real accounts only."""
    if not _email_budget_take(request=request, email=user.email):
        return None
    subject, template = _CODE_EMAILS[purpose]
    challenge = otp_challenge_send(
        user=user,
        purpose=purpose,
        subject=subject,
        template=template,
        source=_request_source(request),
        pending_password=pending_password,
        pending_name=pending_name,
    )
    return challenge.pk if challenge is not None else None


def student_signup(*, request: HttpRequest, email: str, password: str, name: str) -> None:
    """Starts or restarts a signup in this browser. Every address gets the same answer: a new
    or unverified one a code carrying this signup's password and name, a verified student a
    notice that the account exists, an admin or a disabled account nothing."""
    email = email_normalize(email)
    password_validate(password=password, user=User(email=email, name=name), field="password")
    # Hashed on every path, before anything tells them apart: the hash is what takes time.
    pending_password = make_password(password)
    _browser_cooldown_check(request=request, purpose=SIGNUP, email=email)
    challenge_id = None
    with transaction.atomic():
        created = User.objects.get_or_create(
            email=email, defaults={"password": make_password(None)}
        )[1]
        # Lock, then re-check: a verification may be completing this signup right now.
        user = User.objects.select_for_update().get(email=email)
        if user.role != User.Role.STUDENT or not user.is_active:
            logger.info("signup ignored for a non-student account", extra={"user_id": user.pk})
        elif user.email_verified_at is not None:
            if _email_budget_take(request=request, email=email):
                email_send_after_commit(
                    to=user.email,
                    subject="You already have an OurShiksha account",
                    template="emails/account_exists.txt",
                )
            logger.info("signup for a verified account", extra={"user_id": user.pk})
        else:
            challenge_id = _student_code_issue(
                request=request,
                user=user,
                purpose=SIGNUP,
                pending_password=pending_password,
                pending_name=name,
            )
            logger.info("signup code issued", extra={"user_id": user.pk, "new_account": created})
    _browser_challenge_remember(
        request=request, purpose=SIGNUP, email=email, challenge_id=challenge_id
    )


def signup_otp_resend(*, request: HttpRequest, email: str) -> None:
    """A new code for the signup this browser started, carrying that signup's password and
    name (never another browser's). Any other case is answered alike and sent nothing."""
    email = email_normalize(email)
    _browser_cooldown_check(request=request, purpose=SIGNUP, email=email)
    entry = _browser_entry(request=request, purpose=SIGNUP, email=email)
    if entry is None:
        return
    challenge_id = None
    with transaction.atomic():
        user = _student_for_update(email=email)
        challenge = _browser_challenge(entry=entry, user=user, delivered_first=False)
        if (
            user is not None
            and user.email_verified_at is None
            and challenge is not None
            and challenge.consumed_at is None
            and challenge.revoked_at is None
            and challenge.pending_password
        ):
            challenge_id = _student_code_issue(
                request=request,
                user=user,
                purpose=SIGNUP,
                pending_password=challenge.pending_password,
                pending_name=challenge.pending_name,
            )
            logger.info("signup code reissued", extra={"user_id": user.pk})
    _browser_challenge_remember(
        request=request, purpose=SIGNUP, email=email, challenge_id=challenge_id
    )


def _signup_complete(challenge: OtpChallenge) -> None:
    """Runs inside otp_verify's transaction, the user's row locked: re-read and re-check,
    since another browser's signup may have been verified since the caller looked."""
    user = User.objects.get(pk=challenge.user_id)
    if user.email_verified_at is not None or not challenge.pending_password:
        raise OtpInvalid()
    user.password = challenge.pending_password
    user.name = challenge.pending_name
    user.email_verified_at = timezone.now()
    user.save(update_fields=["password", "name", "email_verified_at"])
    signups = OtpChallenge.objects.filter(user=user, purpose=SIGNUP)
    # The other browsers' signups can never apply now: their codes stop working, and no copy
    # of any signup's password or name is kept.
    signups.filter(consumed_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=user.email_verified_at
    )
    signups.update(pending_password="", pending_name="")


def signup_verify(*, request: HttpRequest, email: str, code: str) -> User:
    """Verifies the email with the code of the signup this browser started, sets the
    password and name that signup chose, and logs the student in."""
    email = email_normalize(email)
    challenge = _browser_code_verify(
        request=request, purpose=SIGNUP, email=email, code=code, then=_signup_complete
    )
    user = User.objects.get(pk=challenge.user_id)
    _session_login_keeping_entry(request=request, user=user, purpose=SIGNUP)
    logger.info("email verified", extra={"user_id": user.pk})
    # The welcome credits (wallet), composed in config.wiring: accounts imports no other app.
    wiring.email_verified(user=user)
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
    login(request, user, backend="accounts.backends.UserBackend")
    session_clock_start(request.session)
    request.session.save()
    # Saving gave the new session its key.
    UserSession.objects.create(session_id=cast(str, request.session.session_key), user=user)


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
    user = student_of(request)
    ended = sessions_end(user=user)
    logout(request)
    logger.info("student logged out everywhere", extra={"user_id": user.pk, "ended": ended})


def password_change(*, request: HttpRequest, current_password: str, new_password: str) -> None:
    """Changes a logged-in student's password: every other session ends, this one goes on
    under a new key."""
    user = student_of(request)
    if not user.check_password(current_password):
        raise PasswordIncorrect(fields={"current_password": [PasswordIncorrect.message]})
    password_validate(password=new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    sessions_end(user=user)
    session_login(request=request, user=user)
    logger.info("password changed", extra={"user_id": user.pk})


def password_reset_request(*, request: HttpRequest, email: str) -> None:
    """Emails a reset code to a verified student, bound to this browser; any other address is
    answered alike and sent nothing."""
    email = email_normalize(email)
    _browser_cooldown_check(request=request, purpose=PASSWORD_RESET, email=email)
    challenge_id = None
    with transaction.atomic():
        user = _student_for_update(email=email)
        if user is not None and user.email_verified_at is not None:
            challenge_id = _student_code_issue(request=request, user=user, purpose=PASSWORD_RESET)
            logger.info("password reset code issued", extra={"user_id": user.pk})
    _browser_challenge_remember(
        request=request, purpose=PASSWORD_RESET, email=email, challenge_id=challenge_id
    )


def password_reset(*, request: HttpRequest, email: str, code: str, new_password: str) -> User:
    """Sets a new password with the code this browser asked for: every session of the
    student ends and this browser is logged in afresh."""
    email = email_normalize(email)
    if _browser_entry(request=request, purpose=PASSWORD_RESET, email=email) is None:
        # Before the address is even looked up: one answer for every address.
        raise OtpInvalid()
    user = student_by_email(email=email)
    password_validate(password=new_password, user=user or User(email=email), field="new_password")
    password_hash = make_password(new_password)

    def password_set(challenge: OtpChallenge) -> None:
        # An update skips save(): the credentials version is bumped here (and every session
        # opened under the old password stops working).
        User.objects.filter(pk=challenge.user_id).update(
            password=password_hash, credentials_version=F("credentials_version") + 1
        )

    challenge = _browser_code_verify(
        request=request, purpose=PASSWORD_RESET, email=email, code=code, then=password_set
    )
    user = User.objects.get(pk=challenge.user_id)
    sessions_end(user=user)
    _session_login_keeping_entry(request=request, user=user, purpose=PASSWORD_RESET)
    logger.info("password reset", extra={"user_id": user.pk})
    return user


# --- Students: profile -----------------------------------------------------------------------


class _Unset(enum.Enum):
    """A profile field the update leaves alone (None is a value: no username)."""

    UNSET = enum.auto()


UNSET = _Unset.UNSET


def _username_taken(*, username: str | None, user: User) -> bool:
    return bool(username) and User.objects.filter(username=username).exclude(pk=user.pk).exists()


def profile_update(
    *,
    user: User,
    name: str | _Unset = UNSET,
    username: str | _Unset | None = UNSET,
    headline: str | _Unset = UNSET,
    bio: str | _Unset = UNSET,
    links: list[str] | _Unset = UNSET,
    avatar_url: str | _Unset = UNSET,
    portfolio_visibility: str | _Unset = UNSET,
) -> User:
    """Applies validated profile changes; fields left UNSET keep their value. A username
    someone else holds is a conflict."""
    changes = {
        field: value
        for field, value in {
            "name": name,
            "username": username,
            "headline": headline,
            "bio": bio,
            "links": links,
            "avatar_url": avatar_url,
            "portfolio_visibility": portfolio_visibility,
        }.items()
        if value is not UNSET
    }
    new_username = None if isinstance(username, _Unset) else username
    if _username_taken(username=new_username, user=user):
        raise UsernameTaken(fields={"username": [UsernameTaken.message]})
    for field, value in changes.items():
        setattr(user, field, value)
    try:
        with transaction.atomic():
            user.save(update_fields=list(changes))
    except IntegrityError:
        if not _username_taken(username=new_username, user=user):
            raise
        # Taken between the check and the save.
        raise UsernameTaken(fields={"username": [UsernameTaken.message]}) from None
    return user
