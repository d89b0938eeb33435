"""Bounded waits for locks: PostgreSQL's lock_timeout (DATABASE_LOCK_TIMEOUT_MS) is set on every
connection, and SQLite's busy timeout to the same, so no request waits on another's lock for
long; it answers 409 instead."""

import sqlite3

from django.db import OperationalError

_LOCK_NOT_AVAILABLE = "55P03"


def is_lock_timeout(exc: BaseException) -> bool:
    """True when a statement gave up waiting for a lock (PostgreSQL's lock_timeout expired,
    or SQLite's busy timeout)."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    return (
        getattr(cause, "sqlstate", None) == _LOCK_NOT_AVAILABLE
        or getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
    )
