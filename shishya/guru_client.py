"""The Guru client: the only way the student side reads Guru's content, prices and rules.

Freshness comes from Guru's content version, which every Guru write bumps in its own
transaction. The client reads it about once per GURU_VERSION_MAX_AGE_SECONDS per deployment
(shared in the cache, one request at a time, ahead of the max age under load) and uses a copy,
shared or in-process, only while it was read under the current version (and within its TTL, the
fallback for a missed bump). So a decision (require_fresh=True) reflects every Guru change
committed GURU_VERSION_MAX_AGE_SECONDS before it, and display catches up as fast. While Guru
cannot confirm its version, a decision refuses (GuruUnavailable) and display serves copies
within their TTL, then stale copies (logged). A copy is revalidated with If-None-Match, so a
new version costs Guru one cheap 304 per path in use, not a full read. Not-founds are copies
too.

When this process serves Guru as well, the session answers from this process's own views
(config.in_process), never over a socket to itself.
"""

import logging
import pickle
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import quote

import requests
from django.conf import settings
from django.core.cache import cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from config.in_process import mount_in_process
from config.process_caches import register
from shishya.errors import GuruMisconfigured, GuruNotFound, GuruUnavailable

logger = logging.getLogger(__name__)

CACHE_PREFIX = "guru:v2:"
VERSION_PATH = "/api/public/version"
VERSION_KEY = "guru:version"
COURSES_ROUTE = "/api/public/courses"
_WAIT_STEP_SECONDS = 0.02
# A version older than this share of its max age is re-read by one request while the others
# go on using it, so that under load nobody waits at the second's edge for the poll.
_REFRESH_AHEAD = 0.8
# Each process also keeps its own copy of what it last read, under the same rule as the shared
# cache's (the version it was read under, its TTL): a read then costs no cache round trip.
# Kept pickled, so every caller still gets objects of its own to change.
_LOCAL_COPIES: dict[str, "_LocalCopy"] = register({})
_LOCAL_COPIES_MAX = 1024
# The version this process last saw, and when the request that read it was sent.
_local_version: tuple[int, float] | None = None


@dataclass(frozen=True)
class _Entry:
    data: Any
    etag: str
    fetched_at: float
    # Guru's content version read before this copy was fetched: the copy is at least as new.
    version: int
    missing: bool = False


class _LocalCopy(NamedTuple):
    version: int
    fetched_at: float
    etag: str
    missing: bool
    pickled: bytes


class _UpstreamFailed(Exception):
    """Guru did not give a usable answer (down, 5xx, timeout, 429, invalid JSON)."""


@register
@lru_cache(maxsize=8)
def _session(
    base_url: str, api_key: str, retries: int, backoff: float, in_process: bool
) -> requests.Session:
    """One pooled session per Guru and key. Retries only idempotent GETs, and only when
    no answer came back or Guru said it is overloaded (502/503/504), never on 4xx."""
    retry = Retry(
        total=retries,
        connect=retries,
        read=0,
        other=0,
        status=retries,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        backoff_factor=backoff,
        backoff_jitter=backoff,
        respect_retry_after_header=False,
        raise_on_status=False,
    )
    session = requests.Session()
    session.headers.update({"X-API-Key": api_key, "Accept": "application/json"})
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=32)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    if in_process:
        mount_in_process(session, base_url)
    return session


def _usable(version: int, fetched_at: float, current: int | None, ttl: int) -> bool:
    """A copy read under the current version is Guru's state; without a confirmed version,
    only its TTL speaks for it (display only: a decision never gets this far)."""
    if time.time() - fetched_at >= ttl:
        return False
    return current is None or version >= current


class GuruClient:
    def __init__(self) -> None:
        self.base_url = settings.GURU_BASE_URL.rstrip("/")
        retries, backoff = settings.GURU_RETRIES, settings.GURU_RETRY_BACKOFF_SECONDS
        in_process = settings.IN_PROCESS_CALLS and "guru" in settings.SERVED_SYSTEMS
        self.session = _session(self.base_url, settings.GURU_API_KEY, retries, backoff, in_process)
        # The version is polled every second: a retry would only delay the next poll's news.
        self.poll_session = _session(self.base_url, settings.GURU_API_KEY, 0, 0.0, in_process)
        self.timeout = (settings.GURU_CONNECT_TIMEOUT_SECONDS, settings.GURU_READ_TIMEOUT_SECONDS)
        # The longest one fetch can take with its retries and their backoff (each at most
        # 2 * backoff * 2**n): how long the request fetching a path may keep others waiting.
        self.fetch_budget = sum(self.timeout) * (retries + 1) + 2 * backoff * (2 ** (retries + 1))
        self.poll_budget = sum(self.timeout)

    # --- Endpoints ----------------------------------------------------------------------
    def courses(self) -> Any:
        return self.get(COURSES_ROUTE, kind="catalog")

    def course(self, course_id: int, *, require_fresh: bool = False) -> Any:
        return self.get(
            "/api/public/courses/{course_id}",
            kind="course",
            require_fresh=require_fresh,
            course_id=int(course_id),
        )

    def course_tests(self, course_id: int, *, require_fresh: bool = False) -> Any:
        return self.get(
            "/api/public/courses/{course_id}/tests",
            kind="assessment",
            require_fresh=require_fresh,
            course_id=int(course_id),
        )

    def course_labs(self, course_id: int, *, require_fresh: bool = False) -> Any:
        return self.get(
            "/api/public/courses/{course_id}/labs",
            kind="assessment",
            require_fresh=require_fresh,
            course_id=int(course_id),
        )

    def course_projects(self, course_id: int) -> Any:
        return self.get(
            "/api/public/courses/{course_id}/projects", kind="assessment", course_id=int(course_id)
        )

    def certificate_rules(self, course_id: int, *, require_fresh: bool = False) -> Any:
        return self.get(
            "/api/public/courses/{course_id}/certificate-rules",
            kind="assessment",
            require_fresh=require_fresh,
            course_id=int(course_id),
        )

    def pricing(self, *, require_fresh: bool = False) -> Any:
        return self.get("/api/public/pricing", kind="pricing", require_fresh=require_fresh)

    def voucher(self, code: str, *, require_fresh: bool = True) -> Any:
        return self.get(
            "/api/public/vouchers/{code}", kind="pricing", require_fresh=require_fresh, code=code
        )

    def platform_settings(self, *, require_fresh: bool = False) -> Any:
        return self.get("/api/public/settings", kind="settings", require_fresh=require_fresh)

    # --- Reads --------------------------------------------------------------------------
    def get(self, route: str, *, kind: str, require_fresh: bool = False, **params: Any) -> Any:
        """Guru's JSON for route filled with params: cached for kind's TTL, revalidated,
        stale copy on outage. Logs name the route, never the filled path (a voucher code).

        Raises GuruNotFound (404), GuruMisconfigured (Guru refused the key) or
        GuruUnavailable (no usable copy; with require_fresh, Guru's version unconfirmed).
        """
        path = route.format_map(
            {name: quote(str(value), safe="") for name, value in params.items()}
        )
        ttl = settings.GURU_CACHE_TTLS[kind]
        key = CACHE_PREFIX + path
        current = self.current_version()
        if current is None and require_fresh:
            raise GuruUnavailable(details={"retryable": True})
        local = _LOCAL_COPIES.get(key)
        if local is not None and _usable(local.version, local.fetched_at, current, ttl):
            if local.missing:
                raise GuruNotFound()
            return pickle.loads(local.pickled)  # noqa: S301 (our own bytes, never a client's)
        deadline = time.monotonic() + self.fetch_budget
        while True:
            entry: _Entry | None = cache.get(key)
            if entry is not None and _usable(entry.version, entry.fetched_at, current, ttl):
                return _keep_local(key, entry)
            if cache.get(key + ":failed") is not None:
                # Guru failed moments ago: answer from the stale copy at once instead of
                # making every request wait on another timeout.
                return self._fallback(route, entry, require_fresh=require_fresh)
            with _single_flight(key, seconds=self.fetch_budget) as held:
                if held:
                    # Re-check under the lock: the request that held it may have just
                    # stored a fresh copy after this one looked.
                    entry = cache.get(key)
                    if entry is not None and _usable(entry.version, entry.fetched_at, current, ttl):
                        return _keep_local(key, entry)
                    return self._refresh(
                        path, route, key, entry, current, require_fresh=require_fresh
                    )
            # Another request is fetching this path: wait for its answer rather than
            # sending Guru one request per waiting student.
            if time.monotonic() >= deadline:
                return self._fallback(route, entry, require_fresh=require_fresh)
            time.sleep(_WAIT_STEP_SECONDS)

    def fresh_etag(self, path: str, *, kind: str) -> str | None:
        """Guru's ETag of path while this process's copy is current (as get() would use
        it): a cheap key for whatever a caller derives from that copy (a rendered body)."""
        local = _LOCAL_COPIES.get(CACHE_PREFIX + path)
        if local is None or local.missing or not local.etag:
            return None
        current = self.current_version()
        if current is None or not _usable(
            local.version, local.fetched_at, current, settings.GURU_CACHE_TTLS[kind]
        ):
            return None
        return local.etag

    def current_version(self, *, max_age: float | None = None) -> int | None:
        """Guru's content version as read at most max_age seconds ago (default
        GURU_VERSION_MAX_AGE_SECONDS), by this process or another; None when Guru cannot
        confirm it. One request polls Guru at a time, the others wait for its answer."""
        global _local_version
        max_age = settings.GURU_VERSION_MAX_AGE_SECONDS if max_age is None else max_age
        seen = _local_version
        if seen is not None:
            age = time.time() - seen[1]
            if age < max_age * _REFRESH_AHEAD:
                return seen[0]
            if age < max_age:
                return self._refresh_ahead(seen)
        deadline = time.monotonic() + self.poll_budget
        while True:
            shared: tuple[int, float] | None = cache.get(VERSION_KEY)
            if shared is not None and time.time() - shared[1] < max_age:
                _local_version = shared
                return shared[0]
            if cache.get(VERSION_KEY + ":failed") is not None:
                return None
            with _single_flight(VERSION_KEY, seconds=self.poll_budget) as held:
                if held:
                    shared = cache.get(VERSION_KEY)
                    if shared is not None and time.time() - shared[1] < max_age:
                        _local_version = shared
                        return shared[0]
                    return self._poll_version()
            if time.monotonic() >= deadline:
                return None
            time.sleep(_WAIT_STEP_SECONDS)

    def _refresh_ahead(self, seen: tuple[int, float]) -> int:
        """seen's version (still current), or a newer one: read by another process, or polled
        now by this request if no other request is polling."""
        global _local_version
        shared: tuple[int, float] | None = cache.get(VERSION_KEY)
        if shared is not None and shared[1] > seen[1]:
            _local_version = shared
            return shared[0]
        with _single_flight(VERSION_KEY, seconds=self.poll_budget) as held:
            polled = self._poll_version() if held else None
        return seen[0] if polled is None else polled

    def _poll_version(self) -> int | None:
        global _local_version
        # Sent before asking: every write committed before this instant is in the answer.
        sent_at = time.time()
        try:
            response = self.poll_session.get(self.base_url + VERSION_PATH, timeout=self.timeout)
            if response.status_code in (401, 403):
                _refused_key(VERSION_PATH, response.status_code)
            response.raise_for_status()
            version = int(response.json()["version"])
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            logger.warning(
                "guru version unavailable",
                extra={"route": VERSION_PATH, "error": type(exc).__name__},
            )
            cache.set(VERSION_KEY + ":failed", True, timeout=settings.GURU_FAILURE_HOLD_SECONDS)
            return None
        observed = (version, sent_at)
        cache.set(VERSION_KEY, observed, timeout=settings.GURU_STALE_TTL_SECONDS)
        _local_version = observed
        return version

    def _refresh(
        self,
        path: str,
        route: str,
        key: str,
        entry: _Entry | None,
        current: int | None,
        *,
        require_fresh: bool,
    ) -> Any:
        try:
            fresh = self._fetch(path, route, entry, current)
        except _UpstreamFailed:
            cache.set(key + ":failed", True, timeout=settings.GURU_FAILURE_HOLD_SECONDS)
            return self._fallback(route, entry, require_fresh=require_fresh)
        cache.set(key, fresh, timeout=settings.GURU_STALE_TTL_SECONDS)
        return _keep_local(key, fresh)

    def _fetch(self, path: str, route: str, entry: _Entry | None, current: int | None) -> _Entry:
        headers = {"If-None-Match": entry.etag} if entry is not None and entry.etag else {}
        # A copy fetched without a confirmed version is older than any version seen later.
        version = current if current is not None else 0
        try:
            response = self.session.get(self.base_url + path, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            logger.warning(
                "guru request failed", extra={"route": route, "error": type(exc).__name__}
            )
            raise _UpstreamFailed from exc

        if response.status_code == 304 and entry is not None:
            return _Entry(entry.data, entry.etag, time.time(), version, entry.missing)
        if response.status_code == 404:
            return _Entry(None, "", time.time(), version, missing=True)
        if response.status_code in (401, 403):
            _refused_key(route, response.status_code)
        if response.status_code != 200:
            logger.warning(
                "guru answered an error", extra={"route": route, "status": response.status_code}
            )
            raise _UpstreamFailed
        try:
            data = response.json()
        except ValueError as exc:
            logger.warning("guru answered invalid JSON", extra={"route": route})
            raise _UpstreamFailed from exc
        return _Entry(data, response.headers.get("ETag", ""), time.time(), version)

    def _fallback(self, route: str, entry: _Entry | None, *, require_fresh: bool) -> Any:
        if entry is None or require_fresh:
            raise GuruUnavailable(details={"retryable": True})
        age = int(time.time() - entry.fetched_at)
        logger.warning(
            "guru unavailable: serving a stale copy", extra={"route": route, "age_seconds": age}
        )
        if entry.missing:
            raise GuruNotFound()
        return entry.data


def _refused_key(route: str, status: int) -> None:
    logger.critical(
        "guru refused the configured GURU_API_KEY: check the key, its scopes and expiry",
        extra={"route": route, "status": status},
    )
    raise GuruMisconfigured()


@contextmanager
def _single_flight(key: str, *, seconds: float) -> Iterator[bool]:
    """Whether this request holds key's shared lock (at most seconds, so a crashed holder
    frees it): the one request that does the work while the others wait or go on. Released
    on exit while it is still this request's."""
    lock_key, token = key + ":lock", uuid.uuid4().hex
    held = bool(cache.add(lock_key, token, timeout=int(seconds) + 1))
    try:
        yield held
    finally:
        if held and cache.get(lock_key) == token:
            cache.delete(lock_key)


def _keep_local(key: str, entry: _Entry) -> Any:
    if len(_LOCAL_COPIES) >= _LOCAL_COPIES_MAX:
        _LOCAL_COPIES.clear()
    _LOCAL_COPIES[key] = _LocalCopy(
        entry.version, entry.fetched_at, entry.etag, entry.missing, pickle.dumps(entry.data)
    )
    if entry.missing:
        raise GuruNotFound()
    return entry.data


@register
def _local_version_forget() -> None:
    global _local_version
    _local_version = None


def guru_client() -> GuruClient:
    return GuruClient()


def guru_probe() -> str:
    """ "ok" when Guru confirmed its version at most GURU_PROBE_INTERVAL_SECONDS ago, to this
    process or another (asking it now, single flight, when nobody has), else "down". Cheap:
    the version read decisions share, so a health check adds at most one Guru request per
    interval per deployment, and a reading older than the interval never counts."""
    try:
        current = guru_client().current_version(max_age=settings.GURU_PROBE_INTERVAL_SECONDS)
    except GuruUnavailable:
        return "down"
    return "down" if current is None else "ok"
