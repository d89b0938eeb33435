"""Writes of the student side's shared infrastructure: notifications, which any student app
(payments, certificates, enrollment) sends through these functions."""

import uuid
from collections.abc import Iterable
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from config.errors import NotFound
from shishya.models import Notification

BROADCAST_BATCH_SIZE = 1000


def notification_send(
    *, user: User, kind: str, title: str, body: str = "", data: dict[str, Any] | None = None
) -> Notification:
    """Notifies one user. Call it inside the transaction of the event it reports, so the
    notification exists exactly when the event does."""
    return Notification.objects.create(
        user=user, kind=kind, title=title, body=body, data=data or {}
    )


@transaction.atomic
def notification_broadcast(
    *,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    data: dict[str, Any] | None = None,
) -> int:
    """Notifies many users at once: each gets their own row, read or not on their own."""
    now = timezone.now()
    sent = 0
    remaining = iter(user_ids)
    while batch := list(islice(remaining, BROADCAST_BATCH_SIZE)):
        Notification.objects.bulk_create(
            Notification(
                user_id=user_id, kind=kind, title=title, body=body, data=data or {}, created_at=now
            )
            for user_id in batch
        )
        sent += len(batch)
    return sent


def notification_mark_read(*, user: User, notification_id: uuid.UUID) -> Notification:
    """Marks one of the user's notifications read; another user's is not found. The first
    read time stays: one conditional UPDATE, so two requests at once cannot both write."""
    Notification.objects.filter(user=user, pk=notification_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification = Notification.objects.filter(user=user, pk=notification_id).first()
    if notification is None:
        raise NotFound("Notification not found.")
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Marks every unread notification of the user read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
