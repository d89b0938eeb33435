"""Bounded waits for row locks: PostgreSQL's lock_timeout (DATABASE_LOCK_TIMEOUT_MS) is set on
every connection, so no request waits on another's lock for long; it answers 409 instead."""

from django.db import OperationalError

_LOCK_NOT_AVAILABLE = "55P03"


def is_lock_timeout(exc: BaseException) -> bool:
    """True when a statement gave up waiting for a lock (lock_timeout expired)."""
    return (
        isinstance(exc, OperationalError)
        and getattr(exc.__cause__, "sqlstate", None) == _LOCK_NOT_AVAILABLE
    )
