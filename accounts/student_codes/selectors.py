"""Reads of the challenges a browser asked for."""

from typing import Any

from django.db.models import F, OrderBy

from accounts.models import OtpChallenge, User


def browser_challenge(
    *, entry: dict[str, Any], user: User | None, delivered_first: bool = True
) -> OtpChallenge | None:
    """The browser's challenge that counts, or None (a stand-in id, a challenge whose email
    failed or that was purged). For checking a code, the newest delivered one (a newer code
    replaces the older only once its email is out), else the newest; for a resend, which
    carries the browser's latest signup, the newest (delivered_first=False)."""
    if user is None:
        return None
    order: list[str | OrderBy] = ["-created_at"]
    if delivered_first:
        order.insert(0, F("delivered_at").desc(nulls_last=True))
    return (
        OtpChallenge.objects.filter(user=user, pk__in=entry["challenge_ids"])
        .order_by(*order)
        .first()
    )
