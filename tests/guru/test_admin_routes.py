"""Every route under /api/admin/ in the real URLconf needs an admin's bearer token.

The routes are found by walking config.urls, so a route added later is covered without
touching this file; only the three sign-in steps are open.
"""

import pytest
from django.urls import URLPattern

from guru.models import AdminSession
from guru.tokens import admin_tokens_issue
from tests.guru.conftest import bearer, error_code
from tests.routes import methods_of, url_routes

pytestmark = pytest.mark.django_db

OPEN_ROUTE_NAMES = {"admin-auth-login", "admin-auth-verify-otp", "admin-auth-refresh"}


def admin_routes(urlconf: str | None = None) -> list[tuple[str, URLPattern]]:
    """(a concrete path, its pattern) for every pattern under /api/admin/ but the open ones."""
    routes = []
    for pieces, path, pattern in url_routes(urlconf, under="/api/admin/"):
        if pattern.name in OPEN_ROUTE_NAMES:
            continue
        if path is None:
            pytest.fail(f"could not build a path that reaches {pieces}: extend tests/routes.py")
        routes.append((path, pattern))
    return routes


def call(client, path: str, method: str, **headers):
    return getattr(client, method)(
        path,
        "{}" if method in {"post", "put", "patch"} else None,
        content_type="application/json",
        **headers,
    )


def all_requests() -> list[tuple[str, str]]:
    return [(path, method) for path, pattern in admin_routes() for method in methods_of(pattern)]


def test_the_walk_finds_the_admin_routes():
    paths = {path for path, _ in admin_routes()}
    assert {"/api/admin/auth/logout", "/api/admin/auth/password"} <= paths
    assert not paths & {
        "/api/admin/auth/login",
        "/api/admin/auth/verify-otp",
        "/api/admin/auth/refresh",
    }


def test_the_walk_reaches_routes_in_included_urlconfs():
    paths = {path for path, _ in admin_routes("tests.guru.probe_urls")}
    assert "/api/admin/test/probe" in paths and "/api/admin/auth/logout" in paths


@pytest.mark.parametrize(("path", "method"), all_requests())
def test_every_admin_route_refuses_unauthenticated_requests(client, path, method):
    response = call(client, path, method)
    assert response.status_code == 401, (method, path)
    assert error_code(response) == "not_authenticated"


@pytest.mark.parametrize(("path", "method"), all_requests())
def test_every_admin_route_refuses_session_cookies(client, path, method, student, admin):
    client.force_login(student)
    assert call(client, path, method).status_code == 401, (method, path)
    # An admin logged in by password alone (no OTP, no token) fares no better.
    client.force_login(admin)
    assert call(client, path, method).status_code == 401, (method, path)


@pytest.mark.parametrize(("path", "method"), all_requests())
def test_every_admin_route_forbids_a_students_token(client, path, method, student):
    session = AdminSession.objects.create(
        user=student, channel="api", credentials_version=student.credentials_version
    )
    response = call(client, path, method, **bearer(admin_tokens_issue(session=session).access))
    assert response.status_code == 403, (method, path)
    assert error_code(response) == "forbidden"


@pytest.mark.parametrize(("path", "method"), all_requests())
def test_every_admin_route_refuses_invalid_and_ended_tokens(client, path, method, admin):
    assert call(client, path, method, **bearer("x.y.z")).status_code == 401, (method, path)
    session = AdminSession.objects.create(
        user=admin, channel="api", credentials_version=admin.credentials_version
    )
    access = admin_tokens_issue(session=session).access
    AdminSession.objects.filter(pk=session.pk).update(ended_at=session.created_at)
    response = call(client, path, method, **bearer(access))
    assert response.status_code == 401 and error_code(response) == "admin_session_ended"
