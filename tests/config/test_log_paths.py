"""Codes, ids and tokens in URL paths and query strings never reach the logs: every line that
names a request (Django's 4xx/5xx and CSRF lines, the dev server's, the Guru client's) shows
the route pattern, or a keyed hash of a path no route matched."""

import io
import logging

import pytest
from django.test import Client

from config.logging import RedactSecretsFilter
from shishya.errors import GuruUnavailable
from shishya.guru_client import guru_client
from tests.fakes.guru import FakeGuru
from tests.fakes.server import Reply

pytestmark = pytest.mark.django_db

VOUCHER = "DIWALI-SECRET-7731"
TOKEN = "tok3n-in-a-query-5521"
USERNAME = "private-username-8812"
CERTIFICATE = "OSC-7KQ2-M4XZ-9RTA-C5VB"
SECRETS = (VOUCHER, TOKEN, USERNAME, CERTIFICATE)


@pytest.fixture
def emitted():
    """What leaves the process: the lines of the configured stdout handler, all its filters
    applied (settings.LOGGING)."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def assert_no_secret(stream: io.StringIO) -> str:
    text = stream.getvalue()
    assert text, "nothing was logged"
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, text
    return text


def test_refused_and_missing_paths_log_their_route_not_their_codes(emitted):
    client = Client()
    assert client.get(f"/api/public/vouchers/{VOUCHER}").status_code == 401
    assert client.get(f"/api/portfolio/{USERNAME}?token={TOKEN}").status_code == 404
    assert client.get(f"/verify/certificate/{CERTIFICATE}").status_code == 404
    assert client.get(f"/api/no-such-route/{TOKEN}?token={TOKEN}").status_code == 404
    assert client.get(f"/no-such-page/{TOKEN}").status_code == 404
    csrf = Client(enforce_csrf_checks=True).post(f"/guru/admin/login/?next=/{TOKEN}/", {})
    assert csrf.status_code == 403
    text = assert_no_secret(emitted)
    assert "/api/public/vouchers/<str:code>" in text
    assert "/api/portfolio/<str:username>" in text
    assert "unrouted:" in text


def test_the_dev_servers_request_lines_name_the_route(emitted):
    logging.getLogger("django.server").warning(
        '"%s" %s %s', f"GET /api/public/vouchers/{VOUCHER}?token={TOKEN} HTTP/1.1", "404", "12"
    )
    assert "GET /api/public/vouchers/<str:code> HTTP/1.1" in assert_no_secret(emitted)


@pytest.mark.parametrize(
    "guru",
    ["throttled", "down", "unreachable"],
)
def test_a_failed_guru_voucher_read_logs_the_route(emitted, settings, guru):
    settings.GURU_RETRY_BACKOFF_SECONDS = 0
    settings.GURU_CONNECT_TIMEOUT_SECONDS = 0.5
    settings.GURU_READ_TIMEOUT_SECONDS = 0.5
    with FakeGuru() as server:
        server.scripted = [Reply(429 if guru == "throttled" else 503)] * 3
        settings.GURU_BASE_URL = server.url if guru != "unreachable" else "http://127.0.0.1:9"
        with pytest.raises(GuruUnavailable):
            guru_client().voucher(VOUCHER)
    # An unreachable Guru is noticed at its version read, before any voucher path is built.
    route = "/api/public/version" if guru == "unreachable" else "/api/public/vouchers/{code}"
    assert route in assert_no_secret(emitted)
