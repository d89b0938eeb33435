import pytest

pytestmark = pytest.mark.django_db


def test_health_is_200_when_database_cache_and_guru_answer(client, guru_in_process):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "guru": "ok"},
    }


def test_health_is_503_naming_the_cache_when_it_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    response = client.get("/api/health")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "unhealthy"
    assert "cache" in error["message"]
    assert error["details"]["checks"]["cache"] == "failed"
    assert error["details"]["checks"]["database"] == "ok"


def test_health_is_503_naming_the_database_when_it_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken_execute(self, sql, params=None):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(CursorWrapper, "execute", broken_execute)
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["error"]["details"]["checks"]["database"] == "failed"
