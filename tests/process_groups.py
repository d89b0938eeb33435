"""Stopping the servers, workers and browsers a test starts, with every process they started."""

import os
import signal
import subprocess
from contextlib import suppress


def process_group_stop(process: subprocess.Popen, *, grace_seconds: float) -> None:
    """SIGTERM to `process` (started with `start_new_session=True`) and every process in its
    group; SIGKILL to all that are left once it has exited or `grace_seconds` have passed, so no
    helper outlives it (a gunicorn worker holding the test database, a browser helper writing
    into a profile being removed)."""
    with suppress(ProcessLookupError):  # the group had already gone
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace_seconds)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
