"""The database connection settings read from the environment."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError

from config.locks import is_lock_timeout

ROOT = Path(__file__).resolve().parents[2]
PRINT_OPTIONS = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A manage.py command in a process of its own, its settings read with env added."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def printed(*args: str, **env: str) -> str:
    """What a manage.py command that must succeed prints."""
    result = manage(*args, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def connection_options(**env: str) -> str:
    return printed("shell", "-v", "0", "-c", PRINT_OPTIONS, **env)


def test_the_lock_timeout_joins_options_the_database_url_already_sets():
    url = "postgres://postgres@127.0.0.1:5432/x?options=-c%20statement_timeout%3D9000"
    options = connection_options(DATABASE_URL=url, DATABASE_LOCK_TIMEOUT_MS="1500")
    assert "-c statement_timeout=9000 -c lock_timeout=1500" in options


def test_postgresql_lends_connections_from_psycopgs_pool_without_persistent_ones():
    options = connection_options(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x")
    assert "'pool': {'min_size': 2, 'max_size': 20, 'timeout': 10.0}" in options


def test_the_pool_refuses_persistent_connections():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        PRINT_OPTIONS,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        DB_CONN_MAX_AGE="60",
    )
    assert result.returncode != 0
    assert "DB_POOL needs DB_CONN_MAX_AGE=0" in result.stderr


# Two writers of one SQLite database, each reading before it writes (as a service reads a
# row then updates it): the second must wait for the first, not fail.
SQLITE_WRITERS = """
import threading
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counted (n integer)")
second_read = threading.Event()
failures = []

def second_writer():
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM counted")
            second_read.set()
            cursor.execute("INSERT INTO counted VALUES (2)")
    except Exception as exc:
        failures.append(exc)
    finally:
        connection.close()

with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM counted")
    second = threading.Thread(target=second_writer)
    second.start()
    second_read.wait(timeout=0.5)  # the second writer waits for this transaction's end
    cursor.execute("INSERT INTO counted VALUES (1)")
second.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM counted")
    print(failures, cursor.fetchone()[0])
"""


def test_sqlite_writers_wait_for_each_other_instead_of_failing(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert printed("shell", "-v", "0", "-c", SQLITE_WRITERS, DATABASE_URL=database_url) == "[] 2"


def test_sqlite_bounds_integers_as_postgresql_does():
    """An integer field's validators, and so the API's checks and the schema's bounds, come
    from these ranges: development on SQLite accepts and documents what production does."""
    from django.db.backends.base.operations import BaseDatabaseOperations
    from django.db.backends.postgresql.operations import DatabaseOperations as PostgreSQL

    from config.sqlite.base import DatabaseOperations as SQLite

    sqlite, postgresql = SQLite(connection=None), PostgreSQL(connection=None)
    for field_type in BaseDatabaseOperations.integer_field_ranges:
        assert sqlite.integer_field_range(field_type) == postgresql.integer_field_range(field_type)


def api_schema(database_url: str) -> str:
    """The OpenAPI document the settings for database_url serve (no connection is made)."""
    return printed("spectacular", DATABASE_URL=database_url)


def test_the_api_schema_is_the_same_on_sqlite_and_postgresql(tmp_path):
    sqlite = api_schema(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert "openapi:" in sqlite
    assert sqlite == api_schema("postgres://postgres@127.0.0.1:5432/never_connected")


def test_sqlites_busy_timeout_is_a_lock_timeout(tmp_path):
    """Answered 409 with Retry-After (config.exception_handler), as PostgreSQL's lock_timeout."""
    holder = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    holder.execute("CREATE TABLE held (n integer)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(tmp_path / "db.sqlite3", timeout=0.05)
    with pytest.raises(OperationalError) as raised:
        try:
            waiter.execute("INSERT INTO held VALUES (1)")
        except sqlite3.Error as exc:  # as Django's DatabaseErrorWrapper raises it
            raise OperationalError(str(exc)) from exc
    assert is_lock_timeout(raised.value)
    assert not is_lock_timeout(OperationalError("no such table"))
