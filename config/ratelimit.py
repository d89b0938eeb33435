"""Rate limits on django-ratelimit's shared cache counters, denied as 429 with Retry-After."""

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from config.client_ip import client_source, client_trusted, client_wide_source
from config.errors import RateLimited


def rate_limit(request: HttpRequest, *, group: str, key: str, rate: str) -> None:
    """Counts one hit for `key` in `group` ("login:ip", "login:email", ...) against `rate`
    ("5/m", "20/h"); raises RateLimited once the window's budget is spent."""
    usage = get_usage(
        request, group=group, key=lambda _group, _request: key, rate=rate, increment=True
    )
    if usage is not None and usage["should_limit"]:
        raise RateLimited(retry_after=usage["time_left"])


def rate_limit_spent(request: HttpRequest, *, group: str, key: str, rate: str) -> int | None:
    """Seconds until `key` may go on in `group` if it has spent the window's budget, without
    counting this request; None while budget is left."""
    usage = get_usage(
        request, group=group, key=lambda _group, _request: key, rate=rate, increment=False
    )
    if usage is not None and usage["count"] >= usage["limit"]:
        return max(1, usage["time_left"])
    return None


def rate_limit_check(request: HttpRequest, *, group: str, key: str, rate: str) -> None:
    """Raises RateLimited if `key` has spent the window's budget in `group`, without counting
    this request: for limits that count only failures (see rate_limit_count)."""
    retry_after = rate_limit_spent(request, group=group, key=key, rate=rate)
    if retry_after is not None:
        raise RateLimited(retry_after=retry_after)


def rate_limit_count(request: HttpRequest, *, group: str, key: str, rate: str) -> None:
    """Counts one failure for `key` in `group`; the next rate_limit_check refuses once the
    budget is spent."""
    get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=True)


# Per-source limits: the client's source (IPv4 address or IPv6 /64) has the rate, and for
# IPv6 its /48 has RATE_LIMIT_IPV6_WIDE_FACTOR times the rate besides, so rotating through a
# site's /64s buys a bounded number of budgets.


def source_rate(request: HttpRequest, *, rate: str, trusted_rate: str) -> str:
    """The rate of this request's source: trusted_rate inside TRUSTED_NETWORKS."""
    return trusted_rate if client_trusted(request) else rate


def _source_limits(request: HttpRequest, *, group: str, rate: str) -> list[dict[str, str]]:
    limits = [{"group": f"{group}:source", "key": client_source(request), "rate": rate}]
    wide = client_wide_source(request)
    if wide is not None:
        count, _, period = rate.partition("/")
        wide_rate = f"{int(count) * settings.RATE_LIMIT_IPV6_WIDE_FACTOR}/{period}"
        limits.append({"group": f"{group}:wide", "key": wide, "rate": wide_rate})
    return limits


def source_limit(request: HttpRequest, *, group: str, rate: str) -> None:
    """Counts the request against its source's budget (and its /48's); raises RateLimited
    once either is spent."""
    for limit in _source_limits(request, group=group, rate=rate):
        rate_limit(request, **limit)


def source_limit_check(request: HttpRequest, *, group: str, rate: str) -> None:
    """Raises RateLimited if the source (or its /48) has spent its budget of failures."""
    for limit in _source_limits(request, group=group, rate=rate):
        rate_limit_check(request, **limit)


def source_limit_count(request: HttpRequest, *, group: str, rate: str) -> None:
    """Counts one failure against the source (and its /48)."""
    for limit in _source_limits(request, group=group, rate=rate):
        rate_limit_count(request, **limit)
