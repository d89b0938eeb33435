"""Student sign-in and sessions: login with a password, a new session for every login, logout
here or everywhere."""

import logging
from importlib import import_module
from typing import cast

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.hashers import check_password, make_password
from django.http import HttpRequest

from accounts.errors import EmailNotVerified, InvalidCredentials
from accounts.models import User, UserSession
from accounts.permissions import student_of
from accounts.selectors import student_by_email
from accounts.signin.selectors import signup_pending_password, user_session_keys
from accounts.validators import email_normalize
from config.authentication import session_clock_start

logger = logging.getLogger(__name__)


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
    user_id = student_of(request).pk
    logout(request)
    logger.info("student logged out", extra={"user_id": user_id})


def session_logout_everywhere(*, request: HttpRequest) -> None:
    user = student_of(request)
    ended = sessions_end(user=user)
    logout(request)
    logger.info("student logged out everywhere", extra={"user_id": user.pk, "ended": ended})
