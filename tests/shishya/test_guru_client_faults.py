"""The Guru client under injected faults, against a scriptable fake of Guru's public API."""

import logging
import threading
import time

import pytest

from shishya import guru_client as guru_client_module
from shishya.errors import GuruMisconfigured, GuruNotFound, GuruUnavailable
from shishya.guru_client import guru_client
from tests.fakes.guru import FakeGuru
from tests.fakes.server import Reply
from tests.logs import everything_logged

COURSES = "/api/public/courses"
API_KEY = "ais_" + "0f" * 32


@pytest.fixture
def fake_guru(settings):
    with FakeGuru() as server:
        server.documents[COURSES] = {"results": [{"id": 1, "title": "Python"}]}
        settings.GURU_BASE_URL = server.url
        settings.GURU_API_KEY = API_KEY
        settings.GURU_CONNECT_TIMEOUT_SECONDS = 0.5
        settings.GURU_READ_TIMEOUT_SECONDS = 0.5
        settings.GURU_RETRY_BACKOFF_SECONDS = 0
        yield server


def expire_cache(settings, kind: str = "catalog") -> None:
    settings.GURU_CACHE_TTLS = {**settings.GURU_CACHE_TTLS, kind: 0}


def test_read_sends_the_key_and_is_cached_for_its_ttl(fake_guru):
    assert guru_client().courses() == {"results": [{"id": 1, "title": "Python"}]}
    assert guru_client().courses()["results"][0]["title"] == "Python"
    (request,) = fake_guru.requests
    assert request.method == "GET" and request.headers["x-api-key"] == API_KEY


def test_a_fresh_read_needs_no_shared_cache_and_gives_each_caller_its_own_copy(fake_guru):
    from django.core.cache import cache

    guru_client().courses()["results"].clear()  # a caller changing what it was given
    cache.clear()  # the shared cache is not asked while this process's copy is fresh
    assert guru_client().courses() == {"results": [{"id": 1, "title": "Python"}]}
    assert len(fake_guru.requests) == 1


def test_expired_copy_is_revalidated_with_if_none_match(fake_guru, settings):
    guru_client().courses()
    expire_cache(settings)
    assert guru_client().courses()["results"][0]["id"] == 1
    first, second = fake_guru.requests
    assert "if-none-match" not in first.headers
    assert second.headers["if-none-match"].startswith('"')


def test_changed_content_replaces_the_copy(fake_guru, settings):
    guru_client().courses()
    expire_cache(settings)
    fake_guru.documents[COURSES] = {"results": []}
    assert guru_client().courses() == {"results": []}


@pytest.mark.parametrize("status", [502, 503, 504])
def test_overload_statuses_are_retried(fake_guru, status):
    fake_guru.scripted = [Reply(status, {}), Reply(status, {})]
    assert guru_client().courses()["results"][0]["id"] == 1
    assert len(fake_guru.requests) == 3


@pytest.mark.parametrize("status", [400, 429, 500])
def test_other_errors_are_not_retried(fake_guru, status):
    fake_guru.scripted = [Reply(status, {})]
    with pytest.raises(GuruUnavailable) as raised:
        guru_client().courses()
    assert raised.value.status_code == 503 and raised.value.code == "guru_unavailable"
    assert len(fake_guru.requests) == 1


def test_not_found_is_a_domain_error_and_not_retried(fake_guru):
    with pytest.raises(GuruNotFound):
        guru_client().course(999)
    assert len(fake_guru.requests) == 1


def test_timeout_without_a_copy_is_guru_unavailable(fake_guru):
    fake_guru.delay_seconds = 1.5
    with pytest.raises(GuruUnavailable):
        guru_client().courses()
    assert len(fake_guru.requests) == 1  # a read timeout is not retried


def test_connection_refused_without_a_copy_is_guru_unavailable(fake_guru, settings):
    settings.GURU_BASE_URL = "http://127.0.0.1:9"
    with pytest.raises(GuruUnavailable):
        guru_client().courses()


def test_invalid_json_is_guru_unavailable(fake_guru):
    fake_guru.scripted = [Reply(200, b"<html>proxy error</html>")]
    with pytest.raises(GuruUnavailable):
        guru_client().courses()


def test_outage_after_warm_cache_serves_stale_copy_and_logs_it(fake_guru, settings, caplog):
    assert guru_client().courses()["results"][0]["id"] == 1
    expire_cache(settings)
    fake_guru.scripted = [Reply(500, {})]
    with caplog.at_level(logging.WARNING, logger="shishya.guru_client"):
        assert guru_client().courses()["results"][0]["id"] == 1
    assert "stale" in caplog.text


def test_health_sees_guru_stop_without_student_traffic_and_liveness_stays_up(
    fake_guru, settings, client, db
):
    settings.GURU_PROBE_INTERVAL_SECONDS = 0  # every health check probes (5 s by default)
    settings.GURU_FAILURE_HOLD_SECONDS = 0
    assert client.get("/api/health").json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "guru": "ok"},
    }
    fake_guru.version_down = True  # no student request reads Guru in between
    health = client.get("/api/health")
    assert health.status_code == 503
    assert health.json()["error"]["details"]["checks"] == {
        "database": "ok",
        "cache": "ok",
        "guru": "down",
    }
    live = client.get("/api/health/live")
    assert live.status_code == 200 and live.json()["status"] == "ok"
    fake_guru.version_down = False
    assert client.get("/api/health").json()["checks"]["guru"] == "ok"


def test_health_probes_guru_at_most_once_per_interval_across_requests(fake_guru, client, db):
    for _ in range(5):
        assert client.get("/api/health").status_code == 200
    assert len(fake_guru.version_polls) == 1


def test_a_new_version_replaces_every_copy_whatever_its_ttl(fake_guru, settings):
    settings.GURU_VERSION_MAX_AGE_SECONDS = 0  # each read asks Guru's version (1 s by default)
    assert guru_client().courses()["results"]
    fake_guru.documents[COURSES] = {"results": []}
    assert guru_client().courses()["results"]  # same version: the copy stands
    fake_guru.version = 2
    assert guru_client().courses() == {"results": []}


def test_a_new_version_is_revalidated_with_if_none_match(fake_guru, settings):
    settings.GURU_VERSION_MAX_AGE_SECONDS = 0
    guru_client().courses()
    fake_guru.version = 2
    guru_client().courses()
    _, second = fake_guru.requests
    assert second.headers["if-none-match"].startswith('"')


def test_a_cached_not_found_is_dropped_by_a_new_version(fake_guru, settings):
    settings.GURU_VERSION_MAX_AGE_SECONDS = 0
    voucher = "/api/public/vouchers/WELCOME40"
    with pytest.raises(GuruNotFound):
        guru_client().voucher("WELCOME40")
    with pytest.raises(GuruNotFound):
        guru_client().voucher("WELCOME40")
    assert len(fake_guru.requests) == 1  # the not-found is a copy too
    fake_guru.documents[voucher] = {"code": "WELCOME40", "credits": 40}
    fake_guru.version = 2
    assert guru_client().voucher("WELCOME40")["credits"] == 40


def test_a_decision_refuses_when_guru_cannot_confirm_its_version(fake_guru, settings):
    settings.GURU_VERSION_MAX_AGE_SECONDS = 0
    fake_guru.documents["/api/public/pricing"] = {"actions": []}
    guru_client().pricing(require_fresh=True)
    fake_guru.version_down = True
    with pytest.raises(GuruUnavailable) as raised:
        guru_client().pricing(require_fresh=True)
    assert raised.value.details == {"retryable": True, "reason": "upstream_down"}
    assert guru_client().pricing() == {"actions": []}  # display keeps its copy (TTL)


def test_the_version_is_read_once_per_max_age_by_many_threads(fake_guru, settings):
    settings.GURU_VERSION_MAX_AGE_SECONDS = 60  # no thread reaches the refresh-ahead point
    settings.GURU_READ_TIMEOUT_SECONDS = 5  # the slow answer is awaited, never timed out
    fake_guru.delay_seconds = 0.2
    errors: list[BaseException] = []

    def read() -> None:
        try:
            guru_client().current_version()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(fake_guru.version_polls) == 1


def test_a_version_near_its_max_age_is_reread_by_one_request_while_the_others_use_it(
    fake_guru, settings, monkeypatch
):
    settings.GURU_VERSION_MAX_AGE_SECONDS = 100
    settings.GURU_READ_TIMEOUT_SECONDS = 5  # the held poll is answered, never timed out
    # Seen 85 s ago: still current, past the refresh-ahead point, 15 s from its max age.
    monkeypatch.setattr(guru_client_module, "_local_version", (1, time.time() - 85))
    fake_guru.version, fake_guru.hold_answers = 2, threading.Event()
    polled: list[int | None] = []
    poller = threading.Thread(target=lambda: polled.append(guru_client().current_version()))
    poller.start()
    try:
        deadline = time.monotonic() + 5
        while not fake_guru.version_polls and time.monotonic() < deadline:
            time.sleep(0.01)
        assert fake_guru.version_polls, "nobody re-read the version before its max age"
        # Asked while that request's poll is held: the version this process has, not 2.
        assert guru_client().current_version() == 1
    finally:
        fake_guru.hold_answers.set()
        poller.join()
    assert polled == [2] and len(fake_guru.version_polls) == 1
    assert guru_client().current_version() == 2


def test_stale_copy_is_never_used_for_a_charge(fake_guru, settings):
    fake_guru.documents["/api/public/pricing"] = {"actions": [{"action": "x", "credits": 5}]}
    guru_client().pricing(require_fresh=True)
    expire_cache(settings, "pricing")
    fake_guru.scripted = [Reply(503, {})] * 3
    assert guru_client().pricing()["actions"][0]["credits"] == 5
    with pytest.raises(GuruUnavailable) as raised:
        guru_client().pricing(require_fresh=True)
    assert raised.value.details == {"reason": "upstream_down", "retryable": True}


def test_after_a_failure_requests_do_not_wait_on_guru_again(fake_guru, settings):
    guru_client().courses()
    expire_cache(settings)
    fake_guru.scripted = [Reply(500, {})]
    guru_client().courses()
    guru_client().courses()
    assert len(fake_guru.requests) == 2  # warm-up, one failed refresh; the next is held off


def test_refused_key_is_logged_loudly_and_never_echoed(fake_guru, caplog):
    fake_guru.scripted = [Reply(401, {"error": {"code": "invalid_api_key"}})]
    with caplog.at_level(logging.DEBUG), pytest.raises(GuruMisconfigured) as raised:
        guru_client().courses()
    assert raised.value.status_code == 503
    assert raised.value.details == {"reason": "credentials_refused"}
    assert any(r.levelno == logging.CRITICAL for r in caplog.records)
    assert API_KEY not in everything_logged(caplog.records)
    assert API_KEY not in str(raised.value.message)


def test_concurrent_burst_of_misses_makes_one_upstream_call(fake_guru, settings):
    settings.GURU_READ_TIMEOUT_SECONDS = 5  # the slow answer is awaited, never timed out
    fake_guru.delay_seconds = 0.3  # long enough for every thread to miss at once
    results: list[object] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            results.append(guru_client().courses())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 12 and all(r == results[0] for r in results)
    assert len(fake_guru.requests) == 1


def test_retries_back_off_with_jitter(settings):
    settings.GURU_RETRY_BACKOFF_SECONDS = 0.2
    retry = guru_client().session.get_adapter("http://guru").max_retries
    assert retry.backoff_factor == 0.2 and retry.backoff_jitter > 0
    assert retry.allowed_methods == frozenset({"GET"})
    assert set(retry.status_forcelist) == {502, 503, 504} and retry.read == 0
