import json
import logging

import pytest
from django.test import Client

from tests.factories import StudentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.config.error_views")]


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["message"]
    return body["error"]


def test_validation_error_is_400_with_field_errors(client):
    response = client.post(
        "/api/test/echo", {"email": "nope", "count": 0}, content_type="application/json"
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"email", "count"}


def test_malformed_json_is_400_parse_error(client):
    response = client.post("/api/test/echo", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_unsupported_media_type_is_415(client):
    response = client.post("/api/test/echo", "email=a", content_type="text/plain")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_unauthenticated_is_401_not_403_with_session_auth(client):
    response = client.get("/api/test/private")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_forbidden_keeps_its_own_code(client):
    response = client.get("/api/test/forbidden")
    assert response.status_code == 403
    assert error_of(response) == {"code": "admin_only", "message": "Admins only."}


def test_unknown_api_path_is_404_envelope(client):
    response = client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_unknown_path_outside_api_is_404_envelope(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_wrong_method_is_405(client):
    response = client.delete("/api/test/echo")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_rate_limit_is_429_with_retry_after(client):
    assert client.get("/api/test/limited").status_code == 200
    assert client.get("/api/test/limited").status_code == 200
    response = client.get("/api/test/limited")
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_django_ratelimit_denial_is_429_not_403(client):
    assert client.get("/api/test/decorated").status_code == 200
    response = client.get("/api/test/decorated")
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_a_row_lock_waited_on_too_long_is_409_busy_with_retry_after(client):
    response = client.get("/api/test/lock-timeout")
    assert response.status_code == 409
    assert error_of(response)["code"] == "busy"
    assert response["Retry-After"] == "1"


def test_unhandled_error_is_500_envelope_without_internals(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/test/broken")
    assert response.status_code == 500
    assert error_of(response) == {
        "code": "server_error",
        "message": "An unexpected error occurred.",
    }
    assert b"hunter2" not in response.content and b"Traceback" not in response.content
    request_id = response["X-Request-ID"]
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged, "the 500 was not logged"
    assert all(r.request_id == request_id for r in logged)


def test_every_response_has_a_request_id(client):
    ok = client.get("/api/health")
    missing = client.get("/api/missing")
    assert len(ok["X-Request-ID"]) == 32
    assert ok["X-Request-ID"] != missing["X-Request-ID"]


def test_client_chosen_request_id_is_ignored_without_trusted_proxy(client):
    response = client.get("/api/health", HTTP_X_REQUEST_ID="attacker-chosen-id")
    assert response["X-Request-ID"] != "attacker-chosen-id"


def test_request_id_from_trusted_proxy_is_kept(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/api/health", HTTP_X_REQUEST_ID="lb-1234abcd")
    assert response["X-Request-ID"] == "lb-1234abcd"
    response = client.get("/api/health", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"


def test_session_request_without_csrf_token_is_403_csrf_failed(db):
    user = StudentFactory(email="csrf@example.com", password="pw-long-enough-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/test/private", json.dumps({}), content_type="application/json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"


def test_session_request_with_csrf_token_passes_csrf(db):
    user = StudentFactory(email="csrf2@example.com", password="pw-long-enough-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = "t" * 32  # CSRF compares the cookie with the header
    client.cookies["csrftoken"] = token
    response = client.post(
        "/api/test/private", "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    # Past the CSRF check; the view itself only allows GET.
    assert response.status_code == 405


@pytest.mark.urls("config.urls")
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_request_without_csrf_token_to_an_unknown_path_is_404(method):
    user = StudentFactory(email="csrf3@example.com", password="pw-long-enough-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    for path in ("/api/no-such-route", "/api/admin/no-such-route", "/no-such-page"):
        response = getattr(client, method)(path, "{}", content_type="application/json")
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"
