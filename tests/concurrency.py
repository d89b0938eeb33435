"""Runs attempts at the same moment, each in its own thread and database connection."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import connection, connections, transaction
from django.db.models import QuerySet

T = TypeVar("T")


def race(*attempts: Callable[[], T]) -> list[T]:
    """Starts every attempt together (a barrier) and returns their results, in finishing
    order. Exceptions an attempt does not catch fail the attempt's thread, not the test."""
    results: list[T] = []
    start = threading.Barrier(len(attempts))

    def run(attempt: Callable[[], T]) -> None:
        try:
            start.wait()
            results.append(attempt())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@contextmanager
def row_locked(queryset: QuerySet) -> Iterator[None]:
    """Another connection holds the queryset's rows locked (SELECT ... FOR UPDATE) while the
    block runs."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                list(queryset.select_for_update())
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(5), "the rows were not locked"
        yield
    finally:
        release.set()
        holder.join()


@contextmanager
def lock_timeout(milliseconds: int) -> Iterator[None]:
    """This connection waits for a lock at most this long (as DATABASE_LOCK_TIMEOUT_MS sets
    it on every connection), for the block."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
