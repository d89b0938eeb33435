"""Runs lab code on a Judge0-compatible code execution service, never in this process.

One call per submission: POST /submissions?base64_encoded=true&wait=true with the run's
limits and no network. The runner's own failures (unreachable, timed out, internal error)
raise, so the caller records and charges nothing; a finished run is a Run.
"""

import base64
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import requests
from django.conf import settings

from config.errors import UnavailableReason
from config.process_caches import register
from learning.errors import LabRunnerFailed, LabRunnerUnavailable

logger = logging.getLogger(__name__)

# Judge0's status ids (GET /statuses).
ACCEPTED = 3
WRONG_ANSWER = 4
TIME_LIMIT_EXCEEDED = 5
COMPILATION_ERROR = 6
RUNTIME_ERRORS = frozenset(range(7, 13))  # SIGSEGV, SIGXFSZ, SIGFPE, SIGABRT, NZEC, other
# The statuses that say something about the student's program. The rest (in queue,
# processing, 13 internal error, 14 exec format error) are the runner's problem.
FINISHED = frozenset({ACCEPTED, WRONG_ANSWER, TIME_LIMIT_EXCEEDED, COMPILATION_ERROR})
FINISHED |= RUNTIME_ERRORS


@dataclass(frozen=True)
class Run:
    status_id: int
    status: str
    stdout: str
    stderr: str
    compile_output: str


@register
@lru_cache(maxsize=2)
def _session(auth_token: str) -> requests.Session:
    # No retries: a POST creates a submission, and a retried run may be charged twice upstream.
    session = requests.Session()
    session.headers.update({"Accept": "application/json"})
    if auth_token:
        session.headers["X-Auth-Token"] = auth_token
    return session


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


def _text(value: Any) -> str:
    if not value:
        return ""
    try:
        return base64.b64decode(value).decode("utf-8", errors="replace")
    except (ValueError, TypeError):
        raise LabRunnerFailed() from None


def runner_language_id(language: str) -> int:
    """Judge0's id of a lab language; 503 when the runner or the language is not set up."""
    if not settings.JUDGE0_URL:
        raise LabRunnerUnavailable(reason=UnavailableReason.NOT_CONFIGURED)
    language_id = settings.JUDGE0_LANGUAGE_IDS.get(language)
    if language_id is None:
        raise LabRunnerUnavailable(
            reason=UnavailableReason.NOT_SUPPORTED, details={"language": language}
        )
    return language_id


def code_run(*, language: str, source_code: str) -> Run:
    language_id = runner_language_id(language)
    body = {
        "source_code": _b64(source_code),
        "language_id": language_id,
        "stdin": "",  # Guru's labs give the program no input
        "cpu_time_limit": settings.LAB_RUN_CPU_TIME_LIMIT_SECONDS,
        "wall_time_limit": settings.LAB_RUN_WALL_TIME_LIMIT_SECONDS,
        "memory_limit": settings.LAB_RUN_MEMORY_LIMIT_KB,
        "enable_network": False,
    }
    try:
        response = _session(settings.JUDGE0_AUTH_TOKEN).post(
            f"{settings.JUDGE0_URL}/submissions",
            params={"base64_encoded": "true", "wait": "true"},
            json=body,
            timeout=(5, settings.JUDGE0_TIMEOUT_SECONDS),
        )
    except requests.RequestException as exc:
        logger.warning("lab runner unreachable", extra={"error": type(exc).__name__})
        raise LabRunnerUnavailable(reason=UnavailableReason.UPSTREAM_DOWN) from exc
    if response.status_code in (401, 403):
        logger.critical("the lab runner refused JUDGE0_AUTH_TOKEN")
        raise LabRunnerUnavailable(reason=UnavailableReason.CREDENTIALS_REFUSED)
    if response.status_code not in (200, 201):
        logger.warning("lab runner answered an error", extra={"status": response.status_code})
        raise LabRunnerFailed()
    try:
        result = response.json()
        status_id = int(result["status"]["id"])
        status = str(result["status"]["description"])
    except (ValueError, KeyError, TypeError):
        logger.warning("lab runner answered an unreadable result")
        raise LabRunnerFailed() from None
    if status_id not in FINISHED:
        logger.warning("lab runner could not run a submission", extra={"status_id": status_id})
        raise LabRunnerFailed()
    return Run(
        status_id=status_id,
        status=status,
        stdout=_text(result.get("stdout")),
        stderr=_text(result.get("stderr")),
        compile_output=_text(result.get("compile_output")),
    )
