"""Every route of the URL configuration, called by every kind of caller, answers as the route's
audience says: only its own callers get past authentication, every other one is refused the
same documented way (SECURITY.md, "Who may call what").

The routes come from walking config.urls, so a route added later is called too; one whose
audience is not declared here fails the walk. The Django admin site's pages are called with
GET (its permission check does not depend on the method).
"""

import pytest
from django.urls import URLPattern

from config.system_signature import system_call_headers
from guru.admin_site import SITE_SESSION_KEY
from guru.models import AdminSession
from guru.tokens import admin_tokens_issue
from tests.factories import AdminFactory, StudentFactory
from tests.routes import methods_of, route_of, url_routes
from tests.system_calls import as_meta

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
STUDENT = "student session"
ADMIN_SITE = "admin site session"
ADMIN_TOKEN = "admin bearer token"
API_KEY = "public API key"
SYSTEM = "system signature"
IDENTITIES = (ANONYMOUS, STUDENT, ADMIN_SITE, ADMIN_TOKEN, API_KEY, SYSTEM)

# Audiences: who a route is for.
OPEN = "open"  # anyone, signed in or not: no caller is refused for who it is
NOWHERE = "nowhere"  # the envelope's 404 for any other /api/ path
STUDENTS = "students"
ADMIN_API = "admin API"
PUBLIC_API = "public API"
SYSTEM_CALLS = "system calls"
SITE = "admin site"

# Who gets past authentication, and what everyone else gets: (status, error code) for the
# API, a redirect to the site's login page for the admin site.
ADMITTED = {
    STUDENTS: {STUDENT},
    ADMIN_API: {ADMIN_TOKEN},
    PUBLIC_API: {API_KEY},
    SYSTEM_CALLS: {SYSTEM},
    SITE: {ADMIN_SITE},
}
REFUSAL = {
    STUDENTS: (401, "not_authenticated"),
    ADMIN_API: (401, "not_authenticated"),
    PUBLIC_API: (401, "api_key_missing"),
    SYSTEM_CALLS: (401, "system_signature_invalid"),
}
SITE_LOGIN = "/guru/admin/login/"
# What a permission class (IsStudent, IsGuruAdmin, an API key's scope) answers.
PERMISSION_REFUSALS = {"forbidden", "api_key_scope_missing"}

# Every route a prefix does not decide, by its name in the URL configuration.
AUDIENCE_BY_NAME = {
    "schema": OPEN,
    "docs": OPEN,
    "health": OPEN,
    "auth-csrf": OPEN,
    "auth-signup": OPEN,
    "auth-verify-otp": OPEN,
    "auth-resend-otp": OPEN,
    "auth-login": OPEN,
    "auth-password-forgot": OPEN,
    "auth-password-reset": OPEN,
    "auth-logout": STUDENTS,
    "auth-logout-all": STUDENTS,
    "auth-me": STUDENTS,
    "auth-password-change": STUDENTS,
    "user-profile": STUDENTS,
    "notifications": STUDENTS,
    "notifications-read-all": STUDENTS,
    "notification-read": STUDENTS,
    "wallet-balance": STUDENTS,
    "wallet-transactions": STUDENTS,
    "wallet-deduct": STUDENTS,
    "wallet-system-add": SYSTEM_CALLS,
    "wallet-system-reverse": SYSTEM_CALLS,
    "wallet-voucher-redeem": STUDENTS,
    "payments-create-order": STUDENTS,
    "payments-orders": STUDENTS,
    "payments-verify": STUDENTS,
    # Razorpay's own signature decides, whoever sends it.
    "payments-webhook": OPEN,
    "user-subscription": STUDENTS,
    "user-features": STUDENTS,
    "courses": OPEN,
    "course": OPEN,
    "course-enroll": STUDENTS,
    "lesson": STUDENTS,
    "lesson-complete": STUDENTS,
    "projects": STUDENTS,
    "project-submit": STUDENTS,
    "portfolio-me": STUDENTS,
    "portfolio": OPEN,
    "course-progress": STUDENTS,
    "certificates": STUDENTS,
    "certificate-generate": STUDENTS,
    "certificate": STUDENTS,
    "certificate-pdf": STUDENTS,
    "marksheet": STUDENTS,
    "verify-certificate": OPEN,
    "verify-marksheet": OPEN,
    "verify-certificate-page": OPEN,
    "verify-marksheet-page": OPEN,
    "labs": STUDENTS,
    "lab": STUDENTS,
    "lab-submit": STUDENTS,
    "tests": STUDENTS,
    "test": STUDENTS,
    "test-start": STUDENTS,
    "test-submit": STUDENTS,
    "mithra-ask": STUDENTS,
    "mithra-conversations": STUDENTS,
    "mithra-conversation": STUDENTS,
    # The admin sign-in steps (the rest of /api/admin/ is the admin API).
    "admin-auth-login": OPEN,
    "admin-auth-verify-otp": OPEN,
    "admin-auth-refresh": OPEN,
    # What a person or a program finds first, liveness for the proxy, what a student can buy.
    "root": OPEN,
    "api-index": OPEN,
    "health-live": OPEN,
    "payments-packs": OPEN,
}
# Route prefixes that belong to one audience whole; names above win over them.
AUDIENCE_BY_PREFIX = {
    "api/admin/": ADMIN_API,
    "api/public/": PUBLIC_API,
    "guru/admin/": SITE,
}
# The site's sign-in pages, open to anyone (named as in the site's URL configuration).
SITE_OPEN_NAMES = {"login", "login_verify", "logout"}
AUDIENCE_BY_ROUTE = {"^api/": NOWHERE}


def audience_of(route: str, pattern: URLPattern) -> str | None:
    if route.startswith("guru/admin/"):
        return OPEN if pattern.name in SITE_OPEN_NAMES else SITE
    if pattern.name in AUDIENCE_BY_NAME:
        return AUDIENCE_BY_NAME[pattern.name]
    if route in AUDIENCE_BY_ROUTE:
        return AUDIENCE_BY_ROUTE[route]
    for prefix, audience in AUDIENCE_BY_PREFIX.items():
        if route.startswith(prefix):
            return audience
    return None


def all_calls() -> list:
    calls = []
    for pieces, path, pattern in url_routes():
        route = route_of(pieces)
        if path is None and route in AUDIENCE_BY_ROUTE:
            path = "/api/no-such-route"  # the catch-all; "/api/" itself is the index
        methods = ["get"] if route.startswith("guru/admin/") else methods_of(pattern)
        calls += [pytest.param(route, path, pattern, m, id=f"{m} {route}") for m in methods]
    return calls


def test_the_walk_finds_every_kind_of_route():
    routes = {call.values[0] for call in all_calls()}
    assert {"api/wallet/balance", "api/wallet/add", "api/admin/course", "guru/admin/"} <= routes
    assert {"api/public/pricing", "api/mithra/ask", "verify/certificate/<str:certificate_id>"} <= (
        routes
    )


@pytest.fixture
def callers(guru_in_process, settings):
    """Makes the request of one identity: a fresh client each, all in the test's database."""
    from django.test import Client

    settings.SYSTEM_KEYS = {"guru": "system-secret-for-the-walk"}
    student = StudentFactory(email="walker@example.com", password="a-long-passphrase")
    admin = AdminFactory(email="walk.admin@example.com", password="a-long-passphrase")
    site_session = AdminSession.objects.create(
        user=admin, channel=AdminSession.Channel.SITE, credentials_version=admin.credentials_version
    )
    api_session = AdminSession.objects.create(
        user=admin, channel=AdminSession.Channel.API, credentials_version=admin.credentials_version
    )
    access = admin_tokens_issue(session=api_session).access

    def call(identity: str, method: str, path: str):
        browser = Client()
        headers: dict[str, str] = {}
        if identity == STUDENT:
            browser.force_login(student)
        elif identity == ADMIN_SITE:
            browser.force_login(admin)
            session = browser.session
            session[SITE_SESSION_KEY] = str(site_session.pk)
            session.save()
        elif identity == ADMIN_TOKEN:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {access}"
        elif identity == API_KEY:
            headers["HTTP_X_API_KEY"] = guru_in_process
        body = b"{}" if method in {"post", "put", "patch"} else b""
        if identity == SYSTEM:
            headers |= as_meta(
                system_call_headers(
                    key_id="guru",
                    secret="system-secret-for-the-walk",
                    method=method,
                    path=path,
                    idempotency_key="walk-0001",
                    body=body,
                )
            )
        return getattr(browser, method)(
            path, body or None, content_type="application/json", **headers
        )

    return call


def error_code(response) -> str | None:
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return body["error"].get("code")
    return None


@pytest.mark.parametrize(("route", "path", "pattern", "method"), all_calls())
def test_every_route_answers_each_identity_as_its_audience_says(
    callers, route, path, pattern, method
):
    audience = audience_of(route, pattern)
    assert audience is not None, f"declare who {route} is for in {__name__}"
    for identity in IDENTITIES:
        response = callers(identity, method, path)
        outcome = (identity, response.status_code, error_code(response))
        if audience == NOWHERE:
            assert response.status_code == 404, outcome
        elif audience == OPEN:
            assert response.status_code not in (401, 403), outcome
        elif audience == SITE:
            to_login = response.status_code == 302 and response["Location"].startswith(SITE_LOGIN)
            assert to_login == (identity not in ADMITTED[SITE]), outcome
            assert response.status_code < 500, outcome
        elif identity in ADMITTED[audience]:
            # Past authentication and the audience's permission; the route's own rules
            # (not_enrolled, a locked lab, ...) may still refuse with their own codes.
            assert response.status_code != 401, outcome
            assert error_code(response) not in PERMISSION_REFUSALS, outcome
        else:
            assert (response.status_code, error_code(response)) == REFUSAL[audience], outcome
