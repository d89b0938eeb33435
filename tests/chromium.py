"""Headless Chromium for the tests that look at pages as a person sees them: Debian's package on
a throwaway profile, and every process it started stopped before that profile is removed."""

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.process_groups import process_group_stop

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does it)",
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@contextmanager
def headless_chromium(*args: str, **popen: Any) -> Iterator[subprocess.Popen]:
    """Chromium started with FLAGS, a fresh profile and `args` (keyword arguments go to
    `subprocess.Popen`). On leaving, it and every helper process it started are killed, then
    the profile is removed: a helper that outlived the browser could still be writing there."""
    assert CHROMIUM is not None, "mark the test needs_chromium"
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            start_new_session=True,  # its own process group, with every helper it starts
            **popen,
        )
        try:
            yield process
        finally:
            process_group_stop(process, grace_seconds=0)
    finally:
        _remove(profile)


def _remove(profile: str) -> None:
    """The profile removed, retried for a few seconds while killed helpers finish dying."""
    deadline = time.monotonic() + 10
    while os.path.exists(profile):
        try:
            shutil.rmtree(profile)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
