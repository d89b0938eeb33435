"""Student signup: start (or restart) it, resend its code, verify the email with the code."""

import logging

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.email import email_send_after_commit
from accounts.errors import OtpInvalid
from accounts.models import OtpChallenge, User
from accounts.selectors import student_for_update
from accounts.student_codes.selectors import browser_challenge
from accounts.student_codes.services import (
    browser_challenge_remember,
    browser_code_verify,
    browser_cooldown_check,
    browser_entry,
    email_budget_take,
    session_login_keeping_challenge,
    student_code_issue,
)
from accounts.validators import email_normalize, password_validate
from config import wiring

logger = logging.getLogger(__name__)

SIGNUP = OtpChallenge.Purpose.SIGNUP


def student_signup(*, request: HttpRequest, email: str, password: str, name: str) -> None:
    """Starts or restarts a signup in this browser. Every address gets the same answer: a new
    or unverified one a code carrying this signup's password and name, a verified student a
    notice that the account exists, an admin or a disabled account nothing."""
    email = email_normalize(email)
    password_validate(password=password, user=User(email=email, name=name), field="password")
    # Hashed on every path, before anything tells them apart: the hash is what takes time.
    pending_password = make_password(password)
    browser_cooldown_check(request=request, purpose=SIGNUP, email=email)
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
            if email_budget_take(request=request, email=email):
                email_send_after_commit(
                    to=user.email,
                    subject="You already have an OurShiksha account",
                    template="emails/account_exists.txt",
                )
            logger.info("signup for a verified account", extra={"user_id": user.pk})
        else:
            challenge_id = student_code_issue(
                request=request,
                user=user,
                purpose=SIGNUP,
                pending_password=pending_password,
                pending_name=name,
            )
            logger.info("signup code issued", extra={"user_id": user.pk, "new_account": created})
    browser_challenge_remember(
        request=request, purpose=SIGNUP, email=email, challenge_id=challenge_id
    )


def signup_otp_resend(*, request: HttpRequest, email: str) -> None:
    """A new code for the signup this browser started, carrying that signup's password and
    name (never another browser's). Any other case is answered alike and sent nothing."""
    email = email_normalize(email)
    browser_cooldown_check(request=request, purpose=SIGNUP, email=email)
    entry = browser_entry(request=request, purpose=SIGNUP, email=email)
    if entry is None:
        return
    challenge_id = None
    with transaction.atomic():
        user = student_for_update(email=email)
        challenge = browser_challenge(entry=entry, user=user, delivered_first=False)
        if (
            user is not None
            and user.email_verified_at is None
            and challenge is not None
            and challenge.consumed_at is None
            and challenge.revoked_at is None
            and challenge.pending_password
        ):
            challenge_id = student_code_issue(
                request=request,
                user=user,
                purpose=SIGNUP,
                pending_password=challenge.pending_password,
                pending_name=challenge.pending_name,
            )
            logger.info("signup code reissued", extra={"user_id": user.pk})
    browser_challenge_remember(
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
    challenge = browser_code_verify(
        request=request, purpose=SIGNUP, email=email, code=code, then=_signup_complete
    )
    user = User.objects.get(pk=challenge.user_id)
    session_login_keeping_challenge(request=request, user=user, purpose=SIGNUP)
    logger.info("email verified", extra={"user_id": user.pk})
    # The welcome credits (wallet), composed in config.wiring: accounts imports no other app.
    wiring.email_verified(user=user)
    return user
