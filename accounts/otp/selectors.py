"""Reads of OTP challenges: the wrong codes that count towards the daily cap."""

from datetime import datetime, timedelta

from django.db.models import Sum

from accounts.models import OtpChallenge, User

DAY = timedelta(days=1)


def otp_failures_today(
    *, user: User, purpose: str, source: str, now: datetime
) -> tuple[int, datetime | None]:
    """Wrong codes entered for this user and purpose, on codes asked for from this source, in
    the last 24 h, and when the oldest counted one stops counting. Counted per purpose, so
    wrong signup codes never hold up a password reset, nor wrong reset codes an admin's
    sign-in; and per source, so a stranger's wrong codes never hold up the owner's."""
    window = OtpChallenge.objects.filter(
        user=user,
        purpose=purpose,
        source=source,
        created_at__gt=now - DAY,
        failed_attempts__gt=0,
    )
    total = window.aggregate(total=Sum("failed_attempts"))["total"] or 0
    oldest = window.order_by("created_at").values_list("created_at", flat=True).first()
    return total, (oldest + DAY if oldest else None)
