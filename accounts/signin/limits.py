"""Where student sign-in limits are keyed: per source, per (account, source) pair and per
account, with browsers and sources that signed in to an account before keeping their budget."""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from config.client_ip import client_source
from config.errors import RateLimited
from config.keyed_hash import keyed_hash
from config.ratelimit import (
    rate_limit_count,
    rate_limit_spent,
    source_limit_check,
    source_limit_count,
    source_rate,
)

# A random id this browser keeps across logins and logouts (the session cookie does not), so
# the server can tell the owner's browser from a stranger's when an account is under attack.
BROWSER_COOKIE = "ourshiksha_browser"
# Named after the module's old path; a new salt would forget every browser remembered so far.
_BROWSER_COOKIE_SALT = "accounts.signin_limits.browser"


def _browser_id(request: HttpRequest) -> str | None:
    return request.get_signed_cookie(BROWSER_COOKIE, default=None, salt=_BROWSER_COOKIE_SALT)


def _known_key(email: str, kind: str, value: str) -> str:
    return "signin-known:" + keyed_hash(f"{email}\x00{kind}\x00{value}", purpose="signin-known")


def browser_known(request: HttpRequest, *, email: str) -> bool:
    """Whether this browser has signed in to the account with this email before."""
    browser_id = _browser_id(request)
    return (
        browser_id is not None and cache.get(_known_key(email, "browser", browser_id)) is not None
    )


def _signin_known(request: HttpRequest, *, email: str) -> bool:
    """This browser, or this source, has signed in to the account before."""
    return browser_known(request, email=email) or (
        cache.get(_known_key(email, "source", client_source(request))) is not None
    )


def signin_remember(request: HttpRequest, response: HttpResponse, *, email: str) -> None:
    """Remembers this browser and this source as the account's, after a successful sign-in."""
    browser_id = _browser_id(request) or secrets.token_urlsafe(18)
    timeout = settings.AUTH_KNOWN_BROWSER_DAYS * 24 * 3600
    cache.set_many(
        {
            _known_key(email, "browser", browser_id): 1,
            _known_key(email, "source", client_source(request)): 1,
        },
        timeout=timeout,
    )
    response.set_signed_cookie(
        BROWSER_COOKIE,
        browser_id,
        salt=_BROWSER_COOKIE_SALT,
        max_age=timeout,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
        domain=settings.SESSION_COOKIE_DOMAIN,
    )


def _login_failure_limits(request: HttpRequest, *, email: str) -> list[dict[str, str]]:
    pair = f"{email}\x00{client_source(request)}"
    return [
        {
            "group": "auth.login:pair",
            "key": pair,
            "rate": settings.AUTH_LOGIN_FAILURE_RATE_PER_PAIR,
        },
        {
            "group": "auth.login:account",
            "key": email,
            "rate": settings.AUTH_LOGIN_FAILURE_RATE_PER_ACCOUNT,
        },
    ]


def _login_source_rate(request: HttpRequest) -> str:
    return source_rate(
        request,
        rate=settings.AUTH_LOGIN_FAILURE_RATE_PER_SOURCE,
        trusted_rate=settings.AUTH_LOGIN_FAILURE_RATE_PER_TRUSTED_SOURCE,
    )


def login_limits_check(request: HttpRequest, *, email: str) -> None:
    """Refuses (429) a password attempt whose source, (account, source) pair, or, for a
    browser and source that never signed in to the account, the account itself has spent its
    budget of wrong passwords. Only failures are counted: successful sign-ins of different
    students never use each other's budget. The answer depends on no account's existence."""
    source_limit_check(request, group="auth.login", rate=_login_source_rate(request))
    pair_limit, account_limit = _login_failure_limits(request, email=email)
    retry_after = rate_limit_spent(request, **pair_limit)
    if retry_after is None and not _signin_known(request, email=email):
        retry_after = rate_limit_spent(request, **account_limit)
    if retry_after is not None:
        raise RateLimited(retry_after=retry_after)


def login_failure_count(request: HttpRequest, *, email: str) -> None:
    """Counts one wrong password against the source, the pair and the account."""
    source_limit_count(request, group="auth.login", rate=_login_source_rate(request))
    for limit in _login_failure_limits(request, email=email):
        rate_limit_count(request, **limit)
