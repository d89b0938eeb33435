"""Rate limits of admin sign-in, shared by the admin API and the admin site's login: strict,
and never raised for trusted networks."""

from django.conf import settings
from django.http import HttpRequest

from config.client_ip import client_source
from config.ratelimit import rate_limit


def admin_auth_throttle(request: HttpRequest, *, action: str, email: str) -> None:
    """Counts an attempt at `action` per source (an IPv4 address or an IPv6 /64) and per
    account; raises RateLimited."""
    rate_limit(
        request,
        group=f"admin_{action}:ip",
        key=client_source(request),
        rate=settings.ADMIN_AUTH_RATE_PER_IP,
    )
    rate_limit(
        request,
        group=f"admin_{action}:account",
        key=email.strip().lower(),
        rate=settings.ADMIN_AUTH_RATE_PER_ACCOUNT,
    )
