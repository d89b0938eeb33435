"""The Guru client: the only way the student side reads Guru's content, prices and rules.

Every read is cached per endpoint kind (TTL), revalidated with If-None-Match, and kept
longer as a stale copy that is served, logged and reported by /api/health while Guru is
down. A read that decides a charge passes require_fresh=True: it never uses a stale copy.
"""

import logging
import pickle
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings
from django.core.cache import cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from config.errors import NotFound, ServiceUnavailable, UnavailableReason

logger = logging.getLogger(__name__)

CACHE_PREFIX = "guru:v1:"
DEGRADED_KEY = "guru:degraded"
_WAIT_STEP_SECONDS = 0.05
# Each process also keeps its own copy of what it last read, fresh by the same rule as the
# shared cache's (fetched_at + TTL): a read within the TTL then costs no cache round trip.
# Kept pickled, so every caller still gets objects of its own to change.
_LOCAL_COPIES: dict[str, tuple[float, bytes]] = {}
_LOCAL_COPIES_MAX = 1024


class GuruUnavailable(ServiceUnavailable):
    code = "guru_unavailable"
    message = "Course data is temporarily unavailable. Try again in a moment."
    reason = UnavailableReason.UPSTREAM_DOWN


class GuruNotFound(NotFound):
    pass


class GuruMisconfigured(GuruUnavailable):
    """Guru refused our API key: an operator problem, shown to students as unavailable."""

    reason = UnavailableReason.CREDENTIALS_REFUSED


@dataclass(frozen=True)
class _Entry:
    data: Any
    etag: str
    fetched_at: float


class _UpstreamFailed(Exception):
    """Guru did not give a usable answer (down, 5xx, timeout, 429, invalid JSON)."""


@lru_cache(maxsize=4)
def _session(base_url: str, api_key: str, retries: int, backoff: float) -> requests.Session:
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
    return session


class GuruClient:
    def __init__(self) -> None:
        self.base_url = settings.GURU_BASE_URL.rstrip("/")
        retries, backoff = settings.GURU_RETRIES, settings.GURU_RETRY_BACKOFF_SECONDS
        self.session = _session(self.base_url, settings.GURU_API_KEY, retries, backoff)
        self.timeout = (settings.GURU_CONNECT_TIMEOUT_SECONDS, settings.GURU_READ_TIMEOUT_SECONDS)
        # The longest one fetch can take with its retries and their backoff (each at most
        # 2 * backoff * 2**n): how long the request fetching a path may keep others waiting.
        self.fetch_budget = sum(self.timeout) * (retries + 1) + 2 * backoff * (2 ** (retries + 1))

    # --- Endpoints ----------------------------------------------------------------------
    def courses(self) -> Any:
        return self.get("/api/public/courses", kind="catalog")

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
        GuruUnavailable (no usable copy; with require_fresh, no copy within its TTL).
        """
        path = route.format_map(
            {name: quote(str(value), safe="") for name, value in params.items()}
        )
        ttl = settings.GURU_CACHE_TTLS[kind]
        key = CACHE_PREFIX + path
        local = _LOCAL_COPIES.get(key)
        if local is not None and time.time() - local[0] < ttl:
            return pickle.loads(local[1])  # noqa: S301 (our own bytes, never a client's)
        deadline = time.monotonic() + self.fetch_budget
        while True:
            entry: _Entry | None = cache.get(key)
            if entry is not None and time.time() - entry.fetched_at < ttl:
                return _keep_local(key, entry)
            if cache.get(key + ":failed") is not None:
                # Guru failed moments ago: answer from the stale copy at once instead of
                # making every request wait on another timeout.
                return self._fallback(route, entry, require_fresh=require_fresh)
            lock_key, token = key + ":lock", uuid.uuid4().hex
            if cache.add(lock_key, token, timeout=int(self.fetch_budget) + 1):
                try:
                    # Re-check under the lock: the request that held it may have just
                    # stored a fresh copy after this one looked.
                    entry = cache.get(key)
                    if entry is not None and time.time() - entry.fetched_at < ttl:
                        return _keep_local(key, entry)
                    return self._refresh(path, route, key, ttl, entry, require_fresh=require_fresh)
                finally:
                    if cache.get(lock_key) == token:
                        cache.delete(lock_key)
            # Another request is fetching this path: wait for its answer rather than
            # sending Guru one request per waiting student.
            if time.monotonic() >= deadline:
                return self._fallback(route, entry, require_fresh=require_fresh)
            time.sleep(_WAIT_STEP_SECONDS)

    def fresh_etag(self, path: str) -> str | None:
        """Guru's ETag of path while the cached copy is within its TTL: a cheap key for
        whatever a caller derives from that copy (e.g. a rendered response)."""
        return cache.get(CACHE_PREFIX + path + ":etag")

    def _refresh(
        self,
        path: str,
        route: str,
        key: str,
        ttl: int,
        entry: _Entry | None,
        *,
        require_fresh: bool,
    ) -> Any:
        try:
            fresh = self._fetch(path, route, entry)
        except _UpstreamFailed:
            cache.set(key + ":failed", True, timeout=settings.GURU_FAILURE_HOLD_SECONDS)
            return self._fallback(route, entry, require_fresh=require_fresh)
        cache.set(key, fresh, timeout=settings.GURU_STALE_TTL_SECONDS)
        cache.set(key + ":etag", fresh.etag, timeout=ttl)
        cache.delete(DEGRADED_KEY)
        return _keep_local(key, fresh)

    def _fetch(self, path: str, route: str, entry: _Entry | None) -> _Entry:
        headers = {"If-None-Match": entry.etag} if entry is not None and entry.etag else {}
        try:
            response = self.session.get(self.base_url + path, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            logger.warning(
                "guru request failed", extra={"route": route, "error": type(exc).__name__}
            )
            raise _UpstreamFailed from exc

        if response.status_code == 304 and entry is not None:
            return _Entry(data=entry.data, etag=entry.etag, fetched_at=time.time())
        if response.status_code == 404:
            raise GuruNotFound()
        if response.status_code in (401, 403):
            logger.critical(
                "guru refused the configured GURU_API_KEY: check the key, its scopes and expiry",
                extra={"route": route, "status": response.status_code},
            )
            raise GuruMisconfigured()
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
        return _Entry(data=data, etag=response.headers.get("ETag", ""), fetched_at=time.time())

    def _fallback(self, route: str, entry: _Entry | None, *, require_fresh: bool) -> Any:
        if entry is None or require_fresh:
            raise GuruUnavailable(details={"retryable": True})
        age = int(time.time() - entry.fetched_at)
        logger.warning(
            "guru unavailable: serving a stale copy", extra={"route": route, "age_seconds": age}
        )
        cache.set(
            DEGRADED_KEY,
            {"since": time.time(), "route": route},
            timeout=settings.GURU_STALE_TTL_SECONDS,
        )
        return entry.data


def _keep_local(key: str, entry: _Entry) -> Any:
    if len(_LOCAL_COPIES) >= _LOCAL_COPIES_MAX:
        _LOCAL_COPIES.clear()
    _LOCAL_COPIES[key] = (entry.fetched_at, pickle.dumps(entry.data))
    return entry.data


def local_copies_clear() -> None:
    """Forgets this process's own copies (tests start each case from an empty cache)."""
    _LOCAL_COPIES.clear()


def guru_client() -> GuruClient:
    return GuruClient()


def guru_degraded() -> bool:
    """True while the last read of Guru fell back to a stale copy."""
    return cache.get(DEGRADED_KEY) is not None
