"""The per-student limit every student route has (DEFAULT_THROTTLE_CLASSES): one student
cannot tie up shared capacity (Guru reads, PDF renders, code runs, model calls)."""

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from accounts.models import User
from config.ratelimit import rate_limit

if TYPE_CHECKING:
    # DRF imports this module while rest_framework.views is still loading (a default class).
    from rest_framework.request import Request
    from rest_framework.views import APIView

DEFAULT_STUDENT_RATE_SETTING = "STUDENT_RATE"


def student_rate_setting(view: "APIView") -> str:
    """The setting holding the view's per-student rate: its student_rate, or STUDENT_RATE.
    Views that share a setting share one budget."""
    return getattr(view, "student_rate", DEFAULT_STUDENT_RATE_SETTING)


class StudentRateThrottle(BaseThrottle):
    """Counts a student's request against the view's per-student rate; past it, 429
    rate_limited with Retry-After (raised here so the envelope carries the window left).
    Other callers (anonymous, admins, API keys) are limited elsewhere."""

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        user = request.user
        if user and user.is_authenticated and getattr(user, "role", None) == User.Role.STUDENT:
            setting = student_rate_setting(view)
            rate_limit(
                request,
                group=f"student:{setting}",
                key=str(user.pk),
                rate=getattr(settings, setting),
            )
        return True
