"""Reads of Guru: the live admin sessions that tokens and site logins name."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User
from guru.models import AdminSession


def admin_password_fingerprint(user: User) -> str:
    """Changes whenever the password does (any path: API, site, createadmin, a shell)."""
    return salted_hmac(
        "guru.AdminSession.password_fingerprint", user.password, algorithm="sha256"
    ).hexdigest()


def admin_session_get_live(
    *, session_id: uuid.UUID, channel: str, now: datetime | None = None
) -> AdminSession | None:
    """The session with its user if it is open, neither idle nor too old, and opened under
    the user's current password; None otherwise."""
    now = now or timezone.now()
    session = (
        AdminSession.objects.select_related("user")
        .filter(
            pk=session_id,
            channel=channel,
            ended_at__isnull=True,
            created_at__gt=now - timedelta(hours=settings.ADMIN_SESSION_ABSOLUTE_HOURS),
            last_seen_at__gt=now - timedelta(minutes=settings.ADMIN_SESSION_IDLE_MINUTES),
        )
        .first()
    )
    if session is None or not constant_time_compare(
        session.password_fingerprint, admin_password_fingerprint(session.user)
    ):
        return None
    return session
