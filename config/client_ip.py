"""The one way to know a request's client IP (rate limits, audit rows and logs use it)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it received the request
    from, so the client is the entry that many places from the right. Anything further
    left was written by the client and may be forged.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote_addr
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def _address(request: HttpRequest) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:203.0.113.7 is the IPv4 client a dual-stack socket saw.
        return address.ipv4_mapped
    return address


def client_source(request: HttpRequest) -> str:
    """The source a per-source limit counts: an IPv4 address, or the IPv6 network of
    RATE_LIMIT_IPV6_PREFIX bits around the address (one subscriber's /64 holds 2^64 addresses,
    all of them one person's)."""
    address = _address(request)
    if address is None:
        return client_ip(request) or "unknown"
    if address.version == 4:
        return str(address)
    return str(ipaddress.ip_network((address, settings.RATE_LIMIT_IPV6_PREFIX), strict=False))


def client_wide_source(request: HttpRequest) -> str | None:
    """The wider IPv6 network (RATE_LIMIT_IPV6_WIDE_PREFIX bits, a site's /48) whose budget
    bounds an attacker who rotates through its /64s; None for IPv4."""
    address = _address(request)
    if address is None or address.version == 4:
        return None
    prefix = settings.RATE_LIMIT_IPV6_WIDE_PREFIX
    return str(ipaddress.ip_network((address, prefix), strict=False))


def client_trusted(request: HttpRequest) -> bool:
    """Whether the client is in one of the operator's TRUSTED_NETWORKS (a partner college):
    such sources get the higher sign-up and sign-in budgets, never higher admin, code-guessing
    or email budgets."""
    address = _address(request)
    return address is not None and any(address in network for network in settings.TRUSTED_NETWORKS)
