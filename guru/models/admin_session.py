"""Admin sign-in: the server-side sessions that every admin token names."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class AdminSession(models.Model):
    """One signed-in admin (API tokens or the Django admin site), opened only after the OTP.

    Tokens and site sessions carry this id; a session stops working when it is ended
    (logout, password change), idle or too old (settings), or when the user's credentials
    (password, email, role, activity) change.
    """

    class Channel(models.TextChoices):
        API = "api", "Admin API (JWT)"
        SITE = "site", "Django admin site"

    class EndReason(models.TextChoices):
        LOGOUT = "logout", "Logged out"
        PASSWORD_CHANGED = "password_changed", "Password changed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="admin_sessions"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # The user's credentials_version when the session opened: any change of password, email,
    # role or activity since (by any path) ends it.
    credentials_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=32, choices=EndReason.choices, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.channel} session {self.id}"
