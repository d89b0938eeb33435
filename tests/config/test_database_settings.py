"""The database connection settings read from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_OPTIONS = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"


def connection_options(**env: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", PRINT_OPTIONS],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_lock_timeout_joins_options_the_database_url_already_sets():
    url = "postgres://postgres@127.0.0.1:5432/x?options=-c%20statement_timeout%3D9000"
    options = connection_options(DATABASE_URL=url, DATABASE_LOCK_TIMEOUT_MS="1500")
    assert "-c statement_timeout=9000 -c lock_timeout=1500" in options


def test_postgresql_lends_connections_from_psycopgs_pool_without_persistent_ones():
    options = connection_options(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x")
    assert "'pool': {'min_size': 2, 'max_size': 20, 'timeout': 10.0}" in options


def test_the_pool_refuses_persistent_connections():
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", PRINT_OPTIONS],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
            "DB_CONN_MAX_AGE": "60",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DB_POOL needs DB_CONN_MAX_AGE=0" in result.stderr
