"""How Guru reaches the student side: admin credit grants and reversals, signed with the
system key."""

import json
import logging
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings

from config.errors import ApiError, UnavailableReason
from config.in_process import mount_in_process
from config.process_caches import register
from config.system_signature import system_call_headers
from guru.errors import GrantsNotConfigured, ShishyaUnavailable

logger = logging.getLogger(__name__)


@register
@lru_cache(maxsize=4)
def _session(base_url: str, in_process: bool) -> requests.Session:
    # No retries here: the Idempotency-Key makes a retry by the admin safe instead.
    session = requests.Session()
    if in_process:
        # This process serves the student side too: no socket to itself (config.in_process).
        mount_in_process(session, base_url)
    return session


def shishya_session() -> requests.Session:
    in_process = settings.IN_PROCESS_CALLS and "shishya" in settings.SERVED_SYSTEMS
    return _session(settings.SHISHYA_BASE_URL, in_process)


def wallet_change_send(
    *, operation: str, student_email: str, credits: int, reason: str, idempotency_key: str
) -> dict[str, Any]:
    """POST /api/wallet/<operation> ("add" or "reverse") on the student side; its refusals
    come back as the same errors."""
    if operation not in ("add", "reverse"):
        raise ValueError(f"unknown wallet operation {operation!r}")
    if not (settings.SHISHYA_BASE_URL and settings.GURU_SYSTEM_KEY_ID and settings.GURU_SYSTEM_KEY):
        raise GrantsNotConfigured(reason=UnavailableReason.NOT_CONFIGURED)
    body = json.dumps(
        {"student_email": student_email, "credits": credits, "reason": reason}
    ).encode()
    url = settings.SHISHYA_BASE_URL.rstrip("/") + f"/api/wallet/{operation}"
    headers = {
        "Content-Type": "application/json",
        **system_call_headers(
            key_id=settings.GURU_SYSTEM_KEY_ID,
            secret=settings.GURU_SYSTEM_KEY,
            method="POST",
            path=urlsplit(url).path,
            idempotency_key=idempotency_key,
            body=body,
        ),
    }
    try:
        response = shishya_session().post(
            url, data=body, headers=headers, timeout=settings.SHISHYA_TIMEOUT_SECONDS
        )
        payload = response.json()
    except (requests.RequestException, ValueError):
        logger.warning("wallet %s: the student side did not answer usefully", operation)
        raise ShishyaUnavailable() from None
    if response.status_code == 200:
        return payload
    error = payload.get("error", {}) if isinstance(payload, dict) else {}
    if response.status_code == 401:
        logger.critical("wallet %s refused: check GURU_SYSTEM_KEY against SYSTEM_KEYS", operation)
        raise GrantsNotConfigured(reason=UnavailableReason.CREDENTIALS_REFUSED)
    if 400 <= response.status_code < 500:
        raise ApiError(
            error.get("message"),
            code=error.get("code", "grant_refused"),
            fields=error.get("fields"),
            details=error.get("details"),
            status=response.status_code,
        )
    raise ShishyaUnavailable()
