"""Reads of the student side's shared infrastructure: notifications."""

from django.db.models import QuerySet

from accounts.models import User
from shishya.models import Notification


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first (the cursor paginator orders them)."""
    return Notification.objects.filter(user=user)


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
