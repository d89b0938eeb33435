"""The development console (DEBUG on, as `bash .ci/serve` runs) prints each log line once,
as JSON: Django's own console handler and Python's last-resort printer print nothing."""

import json
import os
import subprocess
import sys

from django.conf import settings

EMIT = """
import logging, django
django.setup()
logging.getLogger("django.request").warning("request-line-marker")
logging.getLogger("django.utils.autoreload").info("autoreload-line-marker")
logging.getLogger("shishya.guru_client").warning("project-line-marker")
logging.getLogger("django.server").warning("dev-server-line-marker")
"""


def test_each_log_line_is_printed_once_as_json():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "LOG_LEVEL", "DJANGO_ENV", "DEBUG")
    }
    done = subprocess.run(
        [sys.executable, "-c", EMIT],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = (done.stdout + done.stderr).splitlines()
    markers = ("request-line-marker", "autoreload-line-marker", "project-line-marker")
    for marker in (*markers, "dev-server-line-marker"):
        printed = [line for line in lines if marker in line]
        assert len(printed) == 1, printed
        assert json.loads(printed[0])["message"] == marker
