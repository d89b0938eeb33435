"""Student passwords: change one while signed in, ask for a reset code, reset with it."""

import logging

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest

from accounts.errors import OtpInvalid, PasswordIncorrect
from accounts.models import OtpChallenge, User
from accounts.permissions import student_of
from accounts.selectors import student_by_email, student_for_update
from accounts.signin.services import session_login, sessions_end
from accounts.student_codes.services import (
    browser_challenge_remember,
    browser_code_verify,
    browser_cooldown_check,
    browser_entry,
    session_login_keeping_challenge,
    student_code_issue,
)
from accounts.validators import email_normalize, password_validate

logger = logging.getLogger(__name__)

PASSWORD_RESET = OtpChallenge.Purpose.PASSWORD_RESET


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
    browser_cooldown_check(request=request, purpose=PASSWORD_RESET, email=email)
    challenge_id = None
    with transaction.atomic():
        user = student_for_update(email=email)
        if user is not None and user.email_verified_at is not None:
            challenge_id = student_code_issue(request=request, user=user, purpose=PASSWORD_RESET)
            logger.info("password reset code issued", extra={"user_id": user.pk})
    browser_challenge_remember(
        request=request, purpose=PASSWORD_RESET, email=email, challenge_id=challenge_id
    )


def password_reset(*, request: HttpRequest, email: str, code: str, new_password: str) -> User:
    """Sets a new password with the code this browser asked for: every session of the
    student ends and this browser is logged in afresh."""
    email = email_normalize(email)
    if browser_entry(request=request, purpose=PASSWORD_RESET, email=email) is None:
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

    challenge = browser_code_verify(
        request=request, purpose=PASSWORD_RESET, email=email, code=code, then=password_set
    )
    user = User.objects.get(pk=challenge.user_id)
    sessions_end(user=user)
    session_login_keeping_challenge(request=request, user=user, purpose=PASSWORD_RESET)
    logger.info("password reset", extra={"user_id": user.pk})
    return user
