"""A student's signup and reset codes are bound to the browser that asked for them: its session
names the challenge (under "otp:<purpose>"), and only that browser can enter the code. A
stranger's signup or reset for the same address never reaches the owner's challenge. Every
request that could have issued a code writes this entry, a random id standing in when nothing
was issued, so the session (and its cookie) looks alike whatever the address."""

import logging
import math
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.errors import OtpAttemptsExceeded, OtpCooldown, OtpExpired, OtpIncorrect, OtpInvalid
from accounts.models import OtpChallenge, User
from accounts.otp.services import otp_challenge_send, otp_verify
from accounts.selectors import student_by_email
from accounts.signin.limits import browser_known
from accounts.signin.services import session_login
from accounts.student_codes.selectors import browser_challenge
from config.client_ip import client_source
from config.errors import ApiError, RateLimited
from config.keyed_hash import keyed_hash
from config.ratelimit import rate_limit

logger = logging.getLogger(__name__)

_CODE_EMAILS: dict[str, tuple[str, str]] = {
    OtpChallenge.Purpose.SIGNUP: ("Verify your OurShiksha email", "emails/otp_code.txt"),
    OtpChallenge.Purpose.PASSWORD_RESET: (
        "Reset your OurShiksha password",
        "emails/password_reset_code.txt",
    ),
}


def browser_cooldown_check(*, request: HttpRequest, purpose: str, email: str) -> None:
    """The resend cooldown, kept by the browser's own challenge for this address: a browser
    that asked moments ago waits (429 otp_cooldown), whatever the address; a stranger asking
    for the same address from another browser never makes this one wait."""
    entry = browser_entry(request=request, purpose=purpose, email=email)
    if entry is None:
        return
    wait = entry["issued_at"] + settings.OTP_RESEND_COOLDOWN_SECONDS - time.time()
    if wait > 0:
        raise OtpCooldown(retry_after=math.ceil(wait))


def email_budget_take(*, request: HttpRequest, email: str) -> bool:
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


def _browser_entry_key(purpose: str) -> str:
    return f"otp:{purpose}"


def browser_entry(*, request: HttpRequest, purpose: str, email: str) -> dict[str, Any] | None:
    """This browser's pending challenge for purpose, if it was asked for this email."""
    entry = request.session.get(_browser_entry_key(purpose))
    return entry if entry and entry["email"] == email else None


def browser_challenge_remember(
    *, request: HttpRequest, purpose: str, email: str, challenge_id: uuid.UUID | None
) -> None:
    """Names the browser's new challenge, keeping the one before it: if the new code's email
    fails, its challenge is deleted and the earlier code works again."""
    previous = browser_entry(request=request, purpose=purpose, email=email)
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


def browser_code_verify(
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
    entry = browser_entry(request=request, purpose=purpose, email=email)
    if entry is None:
        raise OtpInvalid()
    user = student_by_email(email=email)
    challenge = browser_challenge(entry=entry, user=user)
    if user is None or challenge is None:
        raise _stand_in_refusal(request=request, entry=entry)
    return otp_verify(user=user, purpose=purpose, code=code, challenge_id=challenge.pk, then=then)


def session_login_keeping_challenge(*, request: HttpRequest, user: User, purpose: str) -> None:
    """Logs in, keeping the browser's challenge named (login starts a new session): the same
    code entered again is then otp_used rather than otp_invalid."""
    entry = request.session.get(_browser_entry_key(purpose))
    session_login(request=request, user=user)
    request.session[_browser_entry_key(purpose)] = entry


def student_code_issue(
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
    if not email_budget_take(request=request, email=user.email):
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
