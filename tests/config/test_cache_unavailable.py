"""With Redis down the API answers the documented 503 `cache_unavailable` in the envelope, and
rate limits, which count in Redis, fail closed: a request that needs one is refused, not
served unlimited."""

import pytest

from tests.factories import PASSWORD, StudentFactory
from tests.ports import free_port

pytestmark = pytest.mark.django_db


def _cache_at_a_closed_port(settings) -> None:
    port = free_port()
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }


@pytest.fixture
def cache_down(settings):
    _cache_at_a_closed_port(settings)


def test_a_rate_limited_sign_in_fails_closed_with_the_documented_503(client, cache_down):
    student = StudentFactory()

    response = client.post(
        "/api/auth/login",
        {"email": student.email, "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "cache_unavailable"
    assert response.json()["error"]["details"] == {"reason": "upstream_down"}
    assert response["Retry-After"] == "5"
    assert "sessionid" not in response.cookies  # the right password signed nobody in


def test_a_read_that_needs_the_cache_answers_503_not_500(client, cache_down, guru_in_process):
    response = client.get("/api/courses")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "cache_unavailable"


def test_sessions_are_read_from_the_database_while_the_cache_is_down(settings):
    """The session middleware saves after the view, outside the API's error handling: a cache
    that went down mid-request must not turn the answer into a 500."""
    from config.sessions import SessionStore

    saved = SessionStore()
    saved["who"] = "asha"
    saved.create()
    _cache_at_a_closed_port(settings)

    assert SessionStore(saved.session_key).load() == {"who": "asha"}
    fresh = SessionStore()
    fresh["who"] = "ravi"
    fresh.save()  # picking a new key asks whether one exists
    assert SessionStore().exists(fresh.session_key)
