"""CORS: Guru's allowlists per path, apart from the student SPA's; never "*", never "null"."""

import pytest

from tests.config.test_production_settings import run_manage

pytestmark = pytest.mark.django_db

ADMIN_UI = "https://guru.ourshiksha.ai"
SHISHYA = "https://shishya.ourshiksha.ai"
STUDENT_SPA = "https://app.ourshiksha.ai"
LOGIN = "/api/admin/auth/login"
PUBLIC = "/api/public/courses"


def preflight(client, path: str, origin: str, method: str = "POST", headers: str = ""):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers,
    )


def post_login(client, origin: str):
    return client.post(
        LOGIN, {"email": "a@example.com", "password": "x"}, "application/json", HTTP_ORIGIN=origin
    )


def no_cors(response) -> bool:
    return not any(name.lower().startswith("access-control-") for name in response.headers)


def test_admin_ui_origin_may_call_the_admin_api_with_a_bearer_token(client):
    response = preflight(client, LOGIN, ADMIN_UI, headers="authorization, content-type")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ADMIN_UI
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response
    assert "Origin" in response["Vary"]

    actual = post_login(client, ADMIN_UI)
    assert actual.status_code == 200
    assert actual["Access-Control-Allow-Origin"] == ADMIN_UI
    assert "x-request-id" in actual["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in actual


@pytest.mark.parametrize(
    "origin",
    [
        "null",
        "https://evil.example",
        SHISHYA,
        STUDENT_SPA,
        "https://guru.ourshiksha.ai.evil.example",
        "http://guru.ourshiksha.ai",
    ],
)
def test_other_origins_get_no_cors_on_the_admin_api(client, origin, settings):
    settings.CORS_ALLOWED_ORIGINS = [STUDENT_SPA]
    assert no_cors(preflight(client, LOGIN, origin))
    response = post_login(client, origin)
    assert response.status_code == 200 and no_cors(response)
    assert "Origin" in response["Vary"]


def test_shishya_may_get_the_public_api_without_credentials(client):
    response = preflight(client, PUBLIC, SHISHYA, method="GET", headers="x-api-key")
    assert response["Access-Control-Allow-Origin"] == SHISHYA
    assert "Access-Control-Allow-Credentials" not in response
    assert "POST" not in response["Access-Control-Allow-Methods"]

    actual = client.get(PUBLIC, HTTP_ORIGIN=SHISHYA)
    assert actual["Access-Control-Allow-Origin"] == SHISHYA
    assert "Access-Control-Allow-Credentials" not in actual
    assert "etag" in actual["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_public_api_allows_no_cross_origin_writes(client, method):
    assert no_cors(preflight(client, PUBLIC, SHISHYA, method=method))
    assert no_cors(client.post(PUBLIC, HTTP_ORIGIN=SHISHYA))


@pytest.mark.parametrize("origin", ["null", ADMIN_UI, STUDENT_SPA, "https://evil.example"])
def test_other_origins_get_no_cors_on_the_public_api(client, origin, settings):
    settings.CORS_ALLOWED_ORIGINS = [STUDENT_SPA]
    assert no_cors(preflight(client, PUBLIC, origin, method="GET"))
    assert no_cors(client.get(PUBLIC, HTTP_ORIGIN=origin))


def test_student_spa_keeps_its_own_allowlist_with_credentials(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [STUDENT_SPA]
    response = client.get("/api/health", HTTP_ORIGIN=STUDENT_SPA)
    assert response["Access-Control-Allow-Origin"] == STUDENT_SPA
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert no_cors(client.get("/api/health", HTTP_ORIGIN=ADMIN_UI))


def test_allowlists_are_settings(client, settings):
    settings.GURU_ADMIN_ORIGINS = ["https://admin.staging.ourshiksha.ai"]
    response = post_login(client, "https://admin.staging.ourshiksha.ai")
    assert response["Access-Control-Allow-Origin"] == "https://admin.staging.ourshiksha.ai"
    assert no_cors(post_login(client, ADMIN_UI))


@pytest.mark.parametrize("name", ["GURU_ADMIN_ORIGINS", "GURU_PUBLIC_ORIGINS"])
@pytest.mark.parametrize(
    "value",
    [
        "*",
        "null",
        "https://guru.ourshiksha.ai,null",
        "guru.ourshiksha.ai",
        "https://*.ourshiksha.ai",
    ],
)
def test_wildcard_and_null_origins_are_refused_at_startup(name, value):
    result = run_manage("check", DJANGO_ENV=None, SECRET_KEY=None, **{name: value})
    assert result.returncode != 0
    assert f"{name} must list origins" in result.stderr
