"""The project under ASGI (production runs gunicorn with uvicorn workers): no middleware on the
path pins a request to a thread, and the API answers as it does under WSGI."""

import logging

import pytest
import requests
from django.core.handlers.asgi import ASGIHandler

from tests.asgi_server import asgi_server

SHISHYA = "https://shishya.ourshiksha.ai"


def test_no_middleware_is_adapted_to_sync_under_asgi(caplog, settings):
    # With DEBUG on, Django logs every middleware it must run in a thread ("Synchronous
    # handler adapted for ...") when it builds the handler.
    settings.DEBUG = True
    with caplog.at_level(logging.DEBUG, logger="django.request"):
        ASGIHandler()
    adapted = [r.getMessage() for r in caplog.records if "adapted" in r.getMessage()]
    assert adapted == []


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_under_the_asgi_server(settings):
    settings.GURU_PUBLIC_ORIGINS = [SHISHYA]
    with asgi_server() as base:
        health = requests.get(f"{base}/api/health/live", timeout=10)
        csrf = requests.get(f"{base}/api/auth/csrf", timeout=10)
        unknown = requests.get(f"{base}/api/no-such-thing", timeout=10)
        preflight = requests.options(
            f"{base}/api/public/courses",
            headers={"Origin": SHISHYA, "Access-Control-Request-Method": "GET"},
            timeout=10,
        )
        static = requests.get(
            f"{base}/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
            timeout=10,
        )

    assert health.status_code == 200 and len(health.headers["X-Request-ID"]) == 32
    assert csrf.status_code == 200 and "csrftoken" in csrf.cookies
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == SHISHYA
    assert static.status_code == 200 and len(static.content) > 100_000
