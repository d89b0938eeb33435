"""Input the parser or the database cannot take is refused at the edge with 400 and a code,
on every kind of route (student API, unauthenticated admin login, the Django admin site, the
public pages), never a 500 from deep inside a view."""

import json

import pytest

from config.input_guard import MAX_JSON_DEPTH

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/api/admin/auth/login"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def post_json(client, path: str, body: str, **extra):
    return client.post(path, body, content_type="application/json", **extra)


def refused_with(response, code: str, location: str) -> bool:
    error = response.json()["error"]
    return (
        response.status_code == 400
        and error["code"] == code
        and error["details"]["location"] == location
    )


def test_json_nested_a_thousand_deep_is_refused_on_the_unauthenticated_admin_login(client):
    body = '{"email": "a@example.com", "password": ' + nested(1000) + "}"
    assert refused_with(post_json(client, ADMIN_LOGIN, body), "nesting_too_deep", "body")


def test_json_nested_beyond_the_decoders_own_limit_is_refused_too(client):
    assert refused_with(post_json(client, ADMIN_LOGIN, nested(100_000)), "nesting_too_deep", "body")


def test_json_at_the_allowed_depth_reaches_the_view(client):
    body = json.dumps({"email": "a@example.com", "password": "x", "extra": json.loads(nested(4))})
    response = post_json(client, ADMIN_LOGIN, body)
    assert response.json()["error"]["code"] != "nesting_too_deep"
    deepest = json.dumps(json.loads(nested(MAX_JSON_DEPTH)))
    assert post_json(client, ADMIN_LOGIN, deepest).status_code != 500
    too_deep = json.dumps(json.loads(nested(MAX_JSON_DEPTH + 1)))
    assert refused_with(post_json(client, ADMIN_LOGIN, too_deep), "nesting_too_deep", "body")


@pytest.mark.parametrize(
    "path",
    ["/api/portfolio/abc%00", "/api/certificates/OSC-0000-0000-0000-0000%00", "/verify/x%00"],
)
def test_nul_in_a_path_is_refused(client, path):
    assert refused_with(client.get(path), "invalid_characters", "path")


def test_nul_in_a_query_string_name_or_value_is_refused(client):
    assert refused_with(client.get("/api/courses?search=a%00b"), "invalid_characters", "query")
    assert refused_with(client.get("/api/courses?a%00=1"), "invalid_characters", "query")


def test_nul_in_a_header_is_refused(client):
    response = client.get("/api/health", HTTP_X_CLIENT_NOTE="a\x00b")
    assert refused_with(response, "invalid_characters", "header")


@pytest.mark.parametrize(
    "value",
    [
        {"email": "a\u0000@example.com", "password": "x"},
        {"email": "a@example.com", "password": {"deep": [["x\u0000"]]}},
        {"email": "a@example.com", "pass\u0000word": "x"},
        {"email": "\ud800@example.com", "password": "x"},
        {"email": "a@example.com", "password": ["\udfff"]},
    ],
    ids=["nul", "nested-nul", "nul-in-a-key", "lone-high-surrogate", "lone-low-surrogate"],
)
def test_unstorable_strings_anywhere_in_a_json_body_are_refused(client, value):
    body = json.dumps(value)  # ensure_ascii: the NUL and surrogates travel as \u escapes
    assert refused_with(post_json(client, ADMIN_LOGIN, body), "invalid_characters", "body")


def test_a_surrogate_pair_is_an_ordinary_character(client):
    body = json.dumps({"email": "a@example.com", "password": "\U0001f600"})
    assert post_json(client, ADMIN_LOGIN, body).status_code == 200


def test_nul_in_the_admin_site_login_form_is_refused(client):
    response = client.post("/guru/admin/login/", {"username": "a\x00@example.com", "password": "x"})
    assert refused_with(response, "invalid_characters", "body")


def test_invalid_json_is_still_the_parsers_answer(client):
    response = post_json(client, ADMIN_LOGIN, '{"email": ')
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_a_surrogate_encoded_in_a_path_or_query_is_never_a_server_error(client):
    # A URL carries bytes: a surrogate's would-be UTF-8 bytes (ED A0 80) are invalid UTF-8,
    # which Django keeps percent-encoded in the path and replaces in the query.
    assert client.get("/api/portfolio/%ED%A0%80").status_code == 404
    assert client.get("/api/health/live?search=%ED%A0%80").status_code == 200
