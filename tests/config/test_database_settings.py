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
