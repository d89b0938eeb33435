"""The product as separate gunicorn processes on the test database, for black-box tests of
what only shows between processes (Guru and the student side apart, several student
processes, one process serving both)."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.ports import free_port
from tests.process_groups import process_group_stop

ROOT = Path(__file__).resolve().parents[2]

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="separate server processes share the test database: PostgreSQL only",
)


def database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    auth = f"{user}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{user}@"
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def served(
    *, systems: str, env: dict[str, str], workers: int = 1, threads: int | None = None
) -> Iterator[str]:
    """gunicorn serving systems on a free port as deploy/Procfile runs it (uvicorn workers,
    config.asgi), or with threads, the sync gthread server (config.wsgi); yields its URL
    once its liveness answers, and stops it afterwards."""
    port = free_port()  # free when asked: not a server of another test run
    process_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "SERVED_SYSTEMS": systems,
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "0",
        **env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *(
                ["config.asgi:application", "-k", "uvicorn_worker.UvicornWorker"]
                if threads is None
                else ["config.wsgi", "-k", "gthread", "--threads", str(threads)]
            ),
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=process_env,
        start_new_session=True,  # its own group: a kill reaches gunicorn's workers too
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{url}/api/health/live", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn on {port} exited with {process.returncode}")
            time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn on {port} did not start")
        yield url
    finally:
        process_group_stop(process, grace_seconds=15)


def student_session(base_url: str, email: str, password: str) -> requests.Session:
    """A browser's session on the student side: CSRF cookie, then login."""
    browser = requests.Session()
    token = browser.get(f"{base_url}/api/auth/csrf", timeout=10).json()["csrf_token"]
    browser.headers.update({"X-CSRFToken": token, "Referer": base_url + "/"})
    login = browser.post(
        f"{base_url}/api/auth/login", json={"email": email, "password": password}, timeout=10
    )
    assert login.status_code == 200, login.text
    browser.headers["X-CSRFToken"] = browser.cookies["csrftoken"]
    return browser
