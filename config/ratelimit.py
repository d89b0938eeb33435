"""Rate limits on django-ratelimit's shared cache counters, denied as 429 with Retry-After."""

from django.http import HttpRequest
from django_ratelimit.core import get_usage

from config.errors import RateLimited


def rate_limit(request: HttpRequest, *, group: str, key: str, rate: str) -> None:
    """Counts one hit for `key` in `group` ("login:ip", "login:email", ...) against `rate`
    ("5/m", "20/h"); raises RateLimited once the window's budget is spent."""
    usage = get_usage(
        request, group=group, key=lambda _group, _request: key, rate=rate, increment=True
    )
    if usage is not None and usage["should_limit"]:
        raise RateLimited(retry_after=usage["time_left"])


def rate_limit_check(request: HttpRequest, *, group: str, key: str, rate: str) -> None:
    """Raises RateLimited if `key` has spent the window's budget in `group`, without counting
    this request: for limits that count only failures (see rate_limit_count)."""
    usage = get_usage(
        request, group=group, key=lambda _group, _request: key, rate=rate, increment=False
    )
    if usage is not None and usage["count"] >= usage["limit"]:
        raise RateLimited(retry_after=usage["time_left"])


def rate_limit_count(request: HttpRequest, *, group: str, key: str, rate: str) -> None:
    """Counts one failure for `key` in `group`; the next rate_limit_check refuses once the
    budget is spent."""
    get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=True)
