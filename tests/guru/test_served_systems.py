"""SERVED_SYSTEMS decides whether this process serves Guru's routes."""

import pytest

from tests.config.test_production_settings import run_manage

RESOLVE = (
    "from django.urls import resolve, Resolver404\n"
    "for path in ['/api/admin/auth/login', '/guru/admin/', '/api/health']:\n"
    "    try:\n"
    "        print(path, resolve(path).url_name)\n"
    "    except Resolver404:\n"
    "        print(path, '-')\n"
)
DEVELOPMENT = {"DJANGO_ENV": None, "SECRET_KEY": None}


def served(systems: str | None) -> dict[str, str]:
    result = run_manage("shell", "-v", "0", "-c", RESOLVE, SERVED_SYSTEMS=systems, **DEVELOPMENT)
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())


def test_guru_routes_are_served_by_default():
    assert served(None) == {
        "/api/admin/auth/login": "admin-auth-login",
        "/guru/admin/": "index",
        "/api/health": "health",
    }


def test_a_shishya_only_process_does_not_serve_guru():
    # Under /api/ the catch-all (an envelope 404, no name) answers; the admin site is unknown.
    assert served("shishya") == {
        "/api/admin/auth/login": "api-not-found",
        "/guru/admin/": "-",
        "/api/health": "health",
    }


@pytest.mark.parametrize("value", ["admin", "guru,students", ","])
def test_unknown_systems_are_refused(value):
    result = run_manage("check", SERVED_SYSTEMS=value, **DEVELOPMENT)
    assert result.returncode != 0 and "SERVED_SYSTEMS" in result.stderr


@pytest.mark.parametrize(
    ("key", "complaint"),
    [
        (None, "ADMIN_JWT_SIGNING_KEY is required"),
        ("too-short", "ADMIN_JWT_SIGNING_KEY is required"),
        ("prod-test-" + "k7Qx9vR2mZ4wL8pT1nB6yH3cF5jD0sA" * 2, "must differ from SECRET_KEY"),
    ],
)
def test_production_needs_its_own_admin_jwt_signing_key(key, complaint):
    result = run_manage("check", ADMIN_JWT_SIGNING_KEY=key)
    assert result.returncode != 0 and complaint in result.stderr


UNSAFE_WITHOUT_CSRF = (
    "from django.test import Client\n"
    "client = Client(enforce_csrf_checks=True, SERVER_NAME='api.ourshiksha.ai')\n"
    "for path in ['/api/admin/auth/login', '/guru/admin/login/', '/api/no-such-route']:\n"
    "    response = client.post(path, '{}', content_type='application/json')\n"
    "    print(path, response.status_code)\n"
)


def test_unsafe_requests_without_csrf_to_paths_not_served_get_404():
    result = run_manage(
        "shell", "-v", "0", "-c", UNSAFE_WITHOUT_CSRF, SERVED_SYSTEMS="shishya", **DEVELOPMENT
    )
    assert result.returncode == 0, result.stderr
    answers = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert answers == {
        "/api/admin/auth/login": "404",
        "/guru/admin/login/": "404",
        "/api/no-such-route": "404",
    }
