"""Runs attempts at the same moment, each in its own thread and database connection."""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connections

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
