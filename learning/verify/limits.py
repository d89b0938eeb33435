"""The one limit every verification answers under, JSON and page alike: per client source."""

from django.conf import settings
from django.http import HttpRequest

from config.ratelimit import source_limit


def verify_rate_limit(request: HttpRequest) -> None:
    source_limit(request, group="verify", rate=settings.VERIFY_RATE_PER_IP)
