"""Idempotency-Key for POSTs that move credits or money.

The first request with a key runs and its response is stored; a retry gets that response
again (Idempotent-Replayed: true); the same key with another method, path or body is 422;
a retry while the first still runs is 409. Answers that mean "try again" (409, 429, 5xx)
are never stored. Keys are scoped to the caller. Exactly-once effects do not rest on this
record alone: the services key their own rows too (a crash between the effect and the
stored response replays the effect's own idempotent result).
"""

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from config.errors import ApiError, Conflict, IdempotencyKeyReused, InvalidInput
from config.exception_handler import api_exception_handler
from wallet.models import IdempotencyRecord

HEADER = "Idempotency-Key"
_VALID_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,200}$")


class IdempotencyKeyRequired(InvalidInput):
    code = "idempotency_key_required"
    message = "Send an Idempotency-Key header (8-200 characters: letters, digits, . _ : -)."


class IdempotentRequestInFlight(Conflict):
    code = "idempotency_in_flight"
    message = "A request with this Idempotency-Key is still being processed."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "1"})


def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _is_stored(status: int) -> bool:
    return status < 500 and status not in (409, 429)


def _begin(*, caller: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Claims the key (returns None) or returns the completed record to replay."""
    now = timezone.now()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                caller=caller, key=key, request_fingerprint=fingerprint, created_at=now
            )
        return None
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.get(caller=caller, key=key)
    if record.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if record.state == IdempotencyRecord.State.COMPLETED:
        return record
    abandoned_before = now - timedelta(seconds=settings.IDEMPOTENCY_IN_FLIGHT_TIMEOUT_SECONDS)
    # A claim older than any request can run was left by a crashed worker: take it over,
    # atomically, so only one retry does.
    taken_over = IdempotencyRecord.objects.filter(
        pk=record.pk,
        state=IdempotencyRecord.State.IN_FLIGHT,
        created_at=record.created_at,
        created_at__lt=abandoned_before,
    ).update(created_at=now)
    if taken_over:
        return None
    raise IdempotentRequestInFlight()


def _finish(*, caller: str, key: str, response: Response) -> None:
    records = IdempotencyRecord.objects.filter(caller=caller, key=key)
    if _is_stored(response.status_code):
        records.update(
            state=IdempotencyRecord.State.COMPLETED,
            response_status=response.status_code,
            response_body=response.data,
            completed_at=timezone.now(),
        )
    else:
        records.delete()


def idempotent(caller_of: Callable[[Request], str]) -> Callable:
    """Decorates an APIView handler; caller_of(request) names who owns the key space."""

    def decorator(handler: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(handler)
        def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            key = request.headers.get(HEADER, "")
            if not _VALID_KEY.match(key):
                raise IdempotencyKeyRequired()
            caller = caller_of(request)
            replay = _begin(caller=caller, key=key, fingerprint=_fingerprint(request))
            if replay is not None:
                return Response(
                    replay.response_body,
                    status=replay.response_status,
                    headers={"Idempotent-Replayed": "true"},
                )
            try:
                response = handler(view, request, *args, **kwargs)
            except (ApiError, APIException) as exc:
                response = api_exception_handler(exc, {"view": view, "request": request})
            except BaseException:
                IdempotencyRecord.objects.filter(caller=caller, key=key).delete()
                raise
            _finish(caller=caller, key=key, response=response)
            return response

        return wrapper

    return decorator


def student_caller(request: Request) -> str:
    return f"user:{request.user.pk}"


def idempotency_records_purge(*, older_than: timedelta = timedelta(hours=24)) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
