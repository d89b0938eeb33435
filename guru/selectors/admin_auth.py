"""Reads of admin sign-in: the live admin session that a token or a site login names."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from guru.models import AdminSession


def admin_session_get_live(
    *, session_id: uuid.UUID, channel: str, now: datetime | None = None
) -> AdminSession | None:
    """The session with its user if it is open, neither idle nor too old, and opened under
    the user's current credentials (no password, email, role or activity change since, by
    any path); None otherwise."""
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
    if session is None or session.credentials_version != session.user.credentials_version:
        return None
    return session
