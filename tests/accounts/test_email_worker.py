"""The email outbox with real Celery workers (subprocesses) and a real broker: Redis db 6
(CI's), and RabbitMQ when one answers on this machine. A worker is another process, so these
tests need PostgreSQL (a database both can reach) and skip with the reason elsewhere."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone

from accounts.email import email_outbox_requeue
from accounts.models import OtpChallenge, OutboxEmail
from config.celery import app
from tests.accounts.helpers import Browser, code_in
from tests.logs import holds_code
from tests.process_groups import process_group_stop

ROOT = Path(__file__).resolve().parents[2]
REDIS_BROKER = "redis://127.0.0.1:6379/6"
RABBITMQ_BROKER = "amqp://guest:guest@127.0.0.1:5672//"
DEAD_BROKER = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
# This run's own queue: another test run on the same broker never takes its messages.
QUEUE = f"test-{uuid.uuid4().hex[:12]}"


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a worker is another process: it needs PostgreSQL, not the test's SQLite",
    ),
]
needs_redis = pytest.mark.skipif(not _answers(6379), reason="no Redis on 127.0.0.1:6379")
needs_rabbitmq = pytest.mark.skipif(not _answers(5672), reason="no RabbitMQ on 127.0.0.1:5672")


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def broker(request, settings):
    """This test process queues tasks on the broker (no longer in process)."""
    url = request.param
    if url == REDIS_BROKER:
        redis.Redis.from_url(url).flushdb()  # db 6 is the tests' own broker
    previous = app.conf.broker_url
    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    app.conf.task_default_queue = QUEUE
    _connections_drop()
    yield url
    app.conf.broker_url = previous
    app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    _connections_drop()


def _connections_drop() -> None:
    """Celery keeps its broker connections in pools made for the first broker URL; what it
    does after a fork (forget them, new pools on next use) is what a change of broker needs."""
    app._after_fork()


@contextmanager
def worker(broker_url: str, fake_resend, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """`celery -A config worker` on the test database, sending to the fake Resend."""
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_ENV"}},
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "RESEND_API_KEY": "re_test_key_for_the_fake_server",
        "RESEND_API_URL": fake_resend.url,
        # A killed worker's claim lapses quickly here (120 s in production).
        "EMAIL_OUTBOX_CLAIM_SECONDS": "2",
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    log = (tmp_path / f"worker-{uuid.uuid4().hex[:8]}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"test-{uuid.uuid4().hex[:8]}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        process_group_stop(process, grace_seconds=20)
        log.close()


def sign_up(email: str) -> None:
    response = Browser().post(
        "/api/auth/signup", {"email": email, "password": "a-long-passphrase-7", "name": "Lata"}
    )
    assert response.status_code == 202


def worker_logs(tmp_path: Path) -> str:
    return "".join(p.read_text() for p in tmp_path.glob("worker-*.log"))


@needs_redis
@pytest.mark.parametrize("broker", [REDIS_BROKER], indirect=True)
def test_a_worker_killed_mid_send_still_delivers_the_code_exactly_once(
    broker, fake_resend, tmp_path
):
    fake_resend.hold_answers = threading.Event()  # Resend takes it, then the worker dies
    with worker(broker, fake_resend, tmp_path) as first:
        sign_up("lata@example.com")
        wait_for(lambda: len(fake_resend.requests) == 1, "the first worker's send")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    fake_resend.hold_answers.set()
    email = OutboxEmail.objects.get()
    assert email.status == OutboxEmail.Status.PENDING  # nobody recorded the send

    with worker(broker, fake_resend, tmp_path):
        # Beat's job, once the dead worker's claim has lapsed.
        wait_for(lambda: OutboxEmail.objects.get().claimed_until < timezone.now(), "the claim")
        assert email_outbox_requeue() == 1
        wait_for(lambda: OutboxEmail.objects.get().status == OutboxEmail.Status.SENT, "the resend")

    first_try, second_try = fake_resend.requests
    assert first_try.headers["idempotency-key"] == second_try.headers["idempotency-key"]
    assert first_try.headers["idempotency-key"] == str(email.pk)
    assert first_try.body == second_try.body  # the same code, derived again
    assert fake_resend.deliveries == 1
    code = code_in(first_try.json())
    challenge = OtpChallenge.objects.get()
    assert challenge.delivered_at is not None
    assert not holds_code(worker_logs(tmp_path), code)


@needs_redis
@pytest.mark.parametrize("broker", [REDIS_BROKER], indirect=True)
def test_the_broker_carries_the_outbox_id_and_never_the_code(broker, fake_resend):
    sign_up("lata@example.com")  # no worker: the message waits on the broker
    email = OutboxEmail.objects.get()
    (message,) = redis.Redis.from_url(broker).lrange(QUEUE, 0, -1)
    assert str(email.pk).encode() in message
    assert b"lata@example.com" not in message
    assert not fake_resend.requests


@needs_redis
@pytest.mark.parametrize("broker", [REDIS_BROKER], indirect=True)
def test_a_rolled_back_transaction_queues_nothing(broker, fake_resend):
    from django.db import transaction

    from accounts.email import email_send_after_commit

    with pytest.raises(RuntimeError), transaction.atomic():
        email_send_after_commit(
            to="lata@example.com", subject="Hello", template="emails/account_exists.txt"
        )
        raise RuntimeError("the cause fails")
    assert not OutboxEmail.objects.exists()
    assert redis.Redis.from_url(broker).llen(QUEUE) == 0


@needs_rabbitmq
@pytest.mark.parametrize("broker", [RABBITMQ_BROKER], indirect=True)
def test_rabbitmq_works_as_the_broker(broker, fake_resend, tmp_path):
    with worker(broker, fake_resend, tmp_path):
        sign_up("lata@example.com")
        wait_for(lambda: OutboxEmail.objects.get().status == OutboxEmail.Status.SENT, "the send")
    assert fake_resend.deliveries == 1
    assert fake_resend.requests[0].headers["idempotency-key"] == str(OutboxEmail.objects.get().pk)


@pytest.mark.parametrize("broker", [DEAD_BROKER], indirect=True)
def test_a_broker_outage_never_fails_the_request_and_beat_sends_the_code_later(
    broker, fake_resend, settings
):
    sign_up("lata@example.com")  # 202: the signup committed; the task could not be queued
    email = OutboxEmail.objects.get()
    assert email.status == "pending" and not fake_resend.requests
    settings.CELERY_BROKER_URL = ""  # the broker is back (here: tasks run in this process)
    OutboxEmail.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert email_outbox_requeue() == 1
    assert code_in(fake_resend.last_email_to("lata@example.com"))
    assert fake_resend.deliveries == 1
