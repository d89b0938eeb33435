"""Every route a student can call is limited per student (issue 12, finding 9): the walk
covers the whole URL conf, so a route added later is held to it without editing this test."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from accounts.throttles import StudentRateThrottle, student_rate_setting
from tests.factories import StudentFactory

# Routes whose every call costs a PDF render or holds a worker on Guru's rules and the
# student's record: a budget stricter than the default's.
CERTIFICATE_ROUTES = {"certificate-generate", "certificate-pdf"}


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def api_views() -> list[tuple[str, URLPattern, type[APIView]]]:
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            routes.append((route, pattern, view_class))
    return routes


def test_the_walk_finds_the_student_routes():
    names = {pattern.name for _, pattern, _ in api_views()}
    assert {"wallet-balance", "mithra-ask", "lab-submit", "certificate-generate"} <= names


@pytest.mark.parametrize(("route", "pattern", "view_class"), api_views(), ids=lambda v: str(v))
def test_every_api_route_has_a_per_student_limit(route, pattern, view_class):
    view = view_class()
    assert any(isinstance(throttle, StudentRateThrottle) for throttle in view.get_throttles()), (
        f"{route} opts out of the per-student limit"
    )
    assert int(getattr(settings, student_rate_setting(view)).partition("/")[0]) > 0
    if pattern.name in CERTIFICATE_ROUTES:
        assert student_rate_setting(view) == "STUDENT_CERTIFICATE_RATE"


def test_a_student_past_the_budget_gets_429_with_retry_after(student, settings):
    settings.STUDENT_RATE = "3/m"
    client = Client()
    client.force_login(student)
    statuses = [client.get("/api/notifications").status_code for _ in range(3)]
    assert 429 not in statuses
    limited = client.get("/api/notifications")
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited["Retry-After"]) >= 1
    # Another student has a budget of their own.
    other = Client()
    other.force_login(StudentFactory(email="other@example.com"))
    assert other.get("/api/notifications").status_code == 200


def test_certificate_generation_is_limited_per_student_before_any_work(student, settings):
    settings.STUDENT_CERTIFICATE_RATE = "2/m"
    client = Client()
    client.force_login(student)
    for _ in range(2):
        response = client.post(
            "/api/certificates/generate", {"course_id": 1}, content_type="application/json"
        )
        assert response.status_code != 429
    limited = client.post(
        "/api/certificates/generate", {"course_id": 1}, content_type="application/json"
    )
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
