"""The Celery app (`celery -A config worker`, `celery -A config beat`), the beat schedule,
and the one way code hands a task to the queue: after commit.

With no broker configured (CELERY_BROKER_URL unset: development and most tests) a task runs
in this process right after commit, on a small thread pool, so nothing else has to run and a
request never waits on it.
"""

import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.schedules import crontab
from django.conf import settings
from django.db import connections, transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
logger = logging.getLogger(__name__)

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The operators' cron jobs, each the same function its management command runs. README's
# "Background work" section lists them; change both together.
app.conf.beat_schedule = {
    "email-outbox-requeue": {
        "task": "accounts.email_outbox_requeue",
        "schedule": timedelta(minutes=1),
    },
    "email-outbox-purge": {
        "task": "accounts.email_outbox_purge",
        "schedule": crontab(hour=3, minute=10),
    },
    "purge-otp-challenges": {
        "task": "accounts.otp_challenges_purge",
        "schedule": crontab(hour=3, minute=20),
    },
    "clear-expired-sessions": {
        "task": "accounts.sessions_clear_expired",
        "schedule": crontab(hour=3, minute=30),
    },
    "purge-idempotency-records": {
        "task": "wallet.idempotency_records_purge",
        "schedule": crontab(minute=40),
    },
    "check-wallets": {
        "task": "wallet.wallets_check",
        "schedule": crontab(hour=4, minute=0),
    },
    "reconcile-payments": {
        "task": "payments.payments_reconcile",
        "schedule": timedelta(minutes=5),
    },
}

# Tasks of a process with no broker. A module attribute so that tests can swap in a pool
# they can wait on.
IN_PROCESS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tasks")


def _run_in_process(name: str, args: tuple[Any, ...]) -> None:
    try:
        if name not in app.tasks:
            # A worker imports every app's tasks module at start; a web process does it here.
            app.loader.import_default_modules()
        # throw=False: a failure is logged by the task itself; it never reaches the pool.
        app.tasks[name].apply(args=args, throw=False)
    finally:
        # This thread's own database connections.
        connections.close_all()


def _send_to_broker(name: str, args: tuple[Any, ...]) -> None:
    try:
        app.send_task(name, args=args)
    except OperationalError:
        # What queued it has committed, and its caller must not fail for a broker outage:
        # the outbox's beat job sends the emails again; other tasks are lost, and logged.
        logger.warning("broker unreachable: task not queued", extra={"task": name})


def task_enqueue_after_commit(name: str, *args: Any) -> None:
    """Queues the task `name` (with JSON-serialisable ids, never a secret) once the current
    transaction commits; a rolled-back transaction queues nothing. A broker that cannot be
    reached is logged, never raised into the caller."""
    submit: Callable[[], object]
    if settings.CELERY_BROKER_URL:
        submit = lambda: _send_to_broker(name, args)  # noqa: E731
    else:
        submit = lambda: IN_PROCESS.submit(_run_in_process, name, args)  # noqa: E731
    transaction.on_commit(submit)
