"""The project under ASGI (production runs gunicorn with uvicorn workers): no middleware on the
path pins a request to a thread, and the API answers as it does under WSGI."""

import json
import logging

import pytest
import requests
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler

from config.asgi import (
    _needs_async_handler_remembered,
    needs_async_handler,
    project_application,
)
from tests.asgi_server import asgi_server
from tests.routes import url_routes

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


def test_the_sync_handler_runs_every_middleware_without_an_event_loop(caplog, settings):
    # config.asgi runs sync views on Django's sync handler, whole: no middleware in its chain
    # may need adapting (ServeStatic's async-only one is left out; static paths never get there).
    settings.DEBUG = True
    with caplog.at_level(logging.DEBUG, logger="django.request"):
        WSGIHandler()
    adapted = [r.getMessage() for r in caplog.records if "adapted" in r.getMessage()]
    assert adapted == []


def test_async_views_and_static_files_and_only_they_go_to_the_async_handler(settings):
    routes = [(path, pattern) for _, path, pattern in url_routes() if path is not None]
    assert len(routes) > 100
    routed = {path: needs_async_handler(path, settings.ROOT_URLCONF) for path, _ in routes}
    expected = {path: iscoroutinefunction(pattern.callback) for path, pattern in routes}
    assert routed == expected
    assert routed["/api/mithra/ask"] is True
    assert needs_async_handler("/static/admin/css/base.css", settings.ROOT_URLCONF) is True
    assert needs_async_handler("/no/such/route", settings.ROOT_URLCONF) is False


def _asgi_post(messages: list[dict], *, length: int) -> list[dict]:
    """What the project's ASGI application sends for a JSON POST of length bytes to a sync
    view whose client sends messages."""
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/auth/login",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"localhost"),
            (b"content-type", b"application/json"),
            (b"content-length", str(length).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
    }
    incoming, sent = iter(messages), []

    async def receive() -> dict:
        return next(incoming, {"type": "http.disconnect"})

    async def send(message: dict) -> None:
        sent.append(message)

    async_to_sync(project_application())(scope, receive, send)
    return sent


def test_a_sync_view_gets_the_whole_body_however_it_arrives():
    # A NUL escaped across the two pieces: only the whole body shows it to the input guard.
    sent = _asgi_post(
        [
            {"type": "http.request", "body": b'{"email": "a\\u00', "more_body": True},
            {"type": "http.request", "body": b'00b"}', "more_body": False},
        ],
        length=21,
    )
    start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
    assert start["status"] == 400
    assert json.loads(body)["error"]["code"] == "invalid_characters"


def test_no_sync_view_runs_for_a_client_that_left_before_its_body_was_whole():
    sent = _asgi_post(
        [
            {"type": "http.request", "body": b'{"email": "a', "more_body": True},
            {"type": "http.disconnect"},
        ],
        length=21,
    )
    assert sent == []


def test_only_short_paths_are_remembered_for_routing(settings):
    remembered = _needs_async_handler_remembered.cache_info().currsize
    long_path = "/api/" + "x" * 300
    assert needs_async_handler(long_path, settings.ROOT_URLCONF) is False
    assert _needs_async_handler_remembered.cache_info().currsize == remembered
    assert needs_async_handler("/api/mithra/ask", settings.ROOT_URLCONF) is True
