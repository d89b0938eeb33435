import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import override_settings

from config import celery as tasks
from config.in_process import InProcessTransport
from config.process_caches import clear_all as process_caches_clear
from guru.shishya_client import shishya_session
from shishya.guru_client import guru_client
from tests.factories import ADMIN_EMAIL, AdminFactory, StudentFactory
from tests.fakes.judge0 import AUTH_TOKEN as JUDGE0_AUTH_TOKEN
from tests.fakes.judge0 import FakeJudge0
from tests.fakes.openai import API_KEY as OPENAI_API_KEY
from tests.fakes.openai import FakeOpenAI
from tests.fakes.resend import FakeResend


def pytest_configure(config: pytest.Config) -> None:
    # Tests hash passwords thousands of times; production keeps bcrypt (config.settings).
    override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Tests point the clients at fakes, or mount the in-process transport themselves
        # (inline, in the test's transaction); tests/e2e runs the product's default.
        IN_PROCESS_CALLS=False,
    ).enable()


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters, cached reads and per-process memos never leak from one test into
    the next (config.process_caches holds every memo a process keeps)."""
    cache.clear()
    process_caches_clear()
    yield
    cache.clear()
    process_caches_clear()


class _TestTaskPool(ThreadPoolExecutor):
    """One thread that knows what it still has to run, including tasks queued by tasks."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="test-tasks")
        self._pending: set[Future] = set()
        self._pending_lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[no-untyped-def]
        future = super().submit(fn, *args, **kwargs)
        with self._pending_lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future) -> None:
        with self._pending_lock:
            self._pending.discard(future)

    def settle(self, timeout: float = 30) -> None:
        """Waits until every task queued so far, and every task those queue, has run."""
        while True:
            with self._pending_lock:
                pending = set(self._pending)
            if not pending:
                return
            _, not_done = wait(pending, timeout=timeout)
            if not_done:
                raise TimeoutError(f"{len(not_done)} queued tasks still running")


@pytest.fixture(autouse=True)
def _tasks_in_process(monkeypatch):
    """Tasks (no broker in tests) run on one thread of the test's own, so a test can wait for
    what it queued, and none is still using the database when the test's data is flushed
    (pytest-django's database fixtures are set up before this one and torn down after)."""
    pool = _TestTaskPool()
    monkeypatch.setattr(tasks, "IN_PROCESS", pool)
    yield pool
    pool.shutdown(wait=True)


@pytest.fixture
def hold_tasks(_tasks_in_process):
    """``release = hold_tasks()`` keeps the task thread busy from then on, so a test can see
    what happens before its queued work runs; ``release()`` lets it go. Every hold is let go
    when the test ends, so a failing test never leaves the thread (and the suite) waiting."""
    holds: list[threading.Event] = []

    def hold() -> Callable[[], None]:
        held = threading.Event()
        holds.append(held)
        _tasks_in_process.submit(held.wait)
        return held.set

    yield hold
    for held in holds:
        held.set()


@pytest.fixture
def fake_resend(settings, _tasks_in_process):
    """A local server speaking Resend's API; the real SDK is pointed at it. Reading what it
    received first waits for every task queued so far."""
    with FakeResend() as server:
        settings.RESEND_API_KEY = "re_test_key_for_the_fake_server"
        settings.RESEND_API_URL = server.url
        settings.EMAIL_BACKEND = "accounts.email.ResendEmailBackend"
        server.settle = _tasks_in_process.settle
        yield server


@pytest.fixture
def judge0(settings):
    """A local Judge0 the lab runner is pointed at."""
    with FakeJudge0() as server:
        settings.JUDGE0_URL = server.url
        settings.JUDGE0_AUTH_TOKEN = JUDGE0_AUTH_TOKEN
        yield server


@pytest.fixture
def openai_fake(settings):
    """A local OpenAI the real SDK is pointed at, with the tutor configured."""
    with FakeOpenAI() as server:
        settings.OPENAI_API_KEY = OPENAI_API_KEY
        settings.OPENAI_BASE_URL = f"{server.url}/v1"
        settings.OPENAI_TIMEOUT_SECONDS = 1.0
        settings.OPENAI_MAX_RETRIES = 0
        yield server


def _no_connection_closing(**kwargs: object) -> None:
    """Stands in for close_old_connections while a test keeps its transaction open."""


@pytest.fixture
def keep_test_transaction_open(monkeypatch, db):
    """Raw WSGI calls close "old" connections after each request, which would end the test's
    transaction. Django's test client suspends this around its own requests and then
    reconnects the handler: it is made to reconnect a no-op, so the real one stays off for
    the whole test, in every thread (signals are process-wide). A transactional test has no
    transaction to keep, and may run a live server whose threads must give their
    connections back: it keeps Django's handler."""
    if not connection.in_atomic_block:
        yield
        return
    monkeypatch.setattr("django.test.client.close_old_connections", _no_connection_closing)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def guru_in_process(settings, keep_test_transaction_open, db):
    """The student side reads this process's own Guru public API (as in development), through
    the real Guru client and requests, inside the test's transaction. Yields the plain key
    (catalog + grading scopes)."""
    from tests.guru.catalogue import api_key

    settings.GURU_BASE_URL = "http://testserver"
    settings.GURU_API_KEY = api_key("catalog", "grading")
    client = guru_client()
    for session in (client.session, client.poll_session):
        session.mount("http://testserver/", InProcessTransport(inline=True))
    return settings.GURU_API_KEY


@pytest.fixture
def shishya_in_process(settings, keep_test_transaction_open):
    """Guru's signed calls (admin credit grants) reach this process's own student side,
    through the real client and requests, inside the test's transaction."""
    settings.SHISHYA_BASE_URL = "http://testserver"
    settings.SYSTEM_KEYS = {"guru-1": "grant-signing-secret"}
    settings.GURU_SYSTEM_KEY_ID = "guru-1"
    settings.GURU_SYSTEM_KEY = "grant-signing-secret"
    shishya_session().mount("http://testserver/", InProcessTransport(inline=True))


@pytest.fixture
def student(db):
    """The student most tests act as: verified, named, logs in with factories.PASSWORD."""
    return StudentFactory(email="asha@example.com", name="Asha Rao", verified=True)


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def admin(db):
    """The admin most tests act as: named, signs in with ADMIN_EMAIL and
    factories.ADMIN_PASSWORD, their email proven by an earlier sign-in."""
    return AdminFactory(email=ADMIN_EMAIL, name="Asha", verified=True)


@pytest.fixture(autouse=True)
def rate_clock_held(monkeypatch):
    """django-ratelimit's clock held still for every test: its windows have fixed edges, so the
    few requests of a test against a per-minute limit could otherwise straddle one and all
    pass. A test that moves time through the windows puts its own clock in its place. The
    counters still expire in the cache's real time (a period and 5 s after the first request),
    so a test of one limit must take less than its period."""
    now = time.time()
    # Only the library's own name for the time module: every other clock runs on.
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))
