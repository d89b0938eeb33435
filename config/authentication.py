"""DRF authentication for student sessions: only a student's session authenticates, CSRF
failures in the error envelope, the idle timeout and absolute lifetime of a session, and CSRF
for anonymous unsafe requests."""

import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from config.errors import CsrfFailed

if TYPE_CHECKING:
    # rest_framework.views imports this module through DEFAULT_AUTHENTICATION_CLASSES.
    from rest_framework.views import APIView

SESSION_STARTED_AT = "_auth_started_at"
SESSION_SEEN_AT = "_auth_seen_at"
# Sliding the idle timeout costs a session write; once per interval is precise enough.
SESSION_TOUCH_INTERVAL_SECONDS = 300


def session_clock_start(session: SessionBase) -> None:
    """Starts the idle and absolute clocks of a session that has just logged a user in."""
    now = int(time.time())
    session[SESSION_STARTED_AT] = now
    session[SESSION_SEEN_AT] = now
    session.set_expiry(_expiry_seconds(started_at=now, now=now))


def _expiry_seconds(*, started_at: int, now: int) -> int:
    left = started_at + settings.SESSION_ABSOLUTE_LIFETIME_SECONDS - now
    return max(1, min(settings.SESSION_IDLE_TIMEOUT_SECONDS, left))


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request: Request) -> tuple | None:
        result = super().authenticate(request)
        if result is None:
            return None
        if result[0].role != get_user_model().Role.STUDENT:
            # An admin's Django admin site session (same cookie, same host) never acts as a
            # student: the student API sees no one, so every student route refuses it as
            # anonymous and open routes answer as to anyone. Its own timeouts (guru) govern
            # it; the student clocks neither start on it nor extend it.
            return None
        session = request._request.session
        started_at = session.get(SESSION_STARTED_AT)
        if started_at is None:
            # Logged in without the student login (force_login in tests): the clocks start now.
            session_clock_start(session)
            return result
        now = int(time.time())
        if now - started_at >= settings.SESSION_ABSOLUTE_LIFETIME_SECONDS:
            session.flush()
            return None
        # The idle timeout itself is the session's expiry in the database (an expired
        # session never loads); activity pushes it forward, capped at the absolute lifetime.
        if now - session.get(SESSION_SEEN_AT, 0) >= SESSION_TOUCH_INTERVAL_SECONDS:
            session[SESSION_SEEN_AT] = now
            session.set_expiry(_expiry_seconds(started_at=started_at, now=now))
        return result

    def enforce_csrf(self, request: Request | HttpRequest) -> None:
        try:
            # DRF's check reads a Django request as well; its stubs name only DRF's.
            super().enforce_csrf(request)  # type: ignore[arg-type]
        except exceptions.PermissionDenied:
            raise CsrfFailed() from None


class CsrfTokenRequired(BasePermission):
    """DRF checks CSRF only for requests a session authenticated; anonymous unsafe
    endpoints (signup, login, password reset) add this to be protected too."""

    def has_permission(self, request: Request, view: "APIView") -> bool:
        SessionAuthentication().enforce_csrf(request._request)
        return True
