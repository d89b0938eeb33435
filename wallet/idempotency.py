"""Idempotency-Key for POSTs that move credits or money.

The first request with a key runs; its response is stored in the same transaction as its
effect, so both happen exactly once (a unique constraint decides, whatever the timing). A
retry gets the stored response again (Idempotent-Replayed: true); the same key with another
method, path or body is 422; a retry while the first still runs is 409 (a shared-cache
marker says so without waiting on the database). Answers that mean "try again" (409, 429,
5xx) are never stored. Keys are scoped to the caller.
"""

import hashlib
import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import student_of
from config.errors import ApiError, IdempotencyKeyRequired, IdempotencyKeyReused
from config.exception_handler import api_exception_handler
from wallet.errors import IdempotentRequestInFlight
from wallet.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[A-Za-z0-9._:-]{8,200}$"
_VALID_KEY = re.compile(KEY_PATTERN)


def idempotency_key_parameter(description: str) -> OpenApiParameter:
    """The header as the schema documents it: required, its exact format, and (description)
    what a retry with it gets."""
    return OpenApiParameter(
        HEADER,
        str,
        OpenApiParameter.HEADER,
        required=True,
        pattern=KEY_PATTERN,
        description=description,
    )


def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _is_stored(status: int) -> bool:
    return status < 500 and status not in (409, 429)


def _replay(*, caller: str, key: str, fingerprint: str) -> Response | None:
    record = IdempotencyRecord.objects.filter(caller=caller, key=key).first()
    if record is None:
        return None
    if record.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return Response(
        record.response_body,
        status=record.response_status,
        headers={"Idempotent-Replayed": "true"},
    )


def _record(
    *, caller: str, key: str, fingerprint: str, response: Response, keep_first: bool = False
) -> None:
    if _is_stored(response.status_code):
        IdempotencyRecord.objects.store(
            caller=caller,
            key=key,
            request_fingerprint=fingerprint,
            status=response.status_code,
            body=response.data,
            keep_first=keep_first,
        )


def _key(request: Request) -> str:
    key = request.headers.get(HEADER, "")
    if not _VALID_KEY.match(key):
        raise IdempotencyKeyRequired()
    return key


@dataclass(frozen=True)
class IdempotentCall:
    """One request's Idempotency-Key, for a handler that stores its response itself, when it
    is ready: an answer streamed after the handler has returned. A retry is looked up first
    (replay()); the handler's own keys make its effect exactly-once, and a retry while it runs
    is the handler's to refuse (409)."""

    caller: str
    key: str
    fingerprint: str

    @classmethod
    def of(cls, request: Request, caller_of: Callable[[Request], str]) -> "IdempotentCall":
        return cls(caller=caller_of(request), key=_key(request), fingerprint=_fingerprint(request))

    def replay(self) -> Response | None:
        return _replay(caller=self.caller, key=self.key, fingerprint=self.fingerprint)

    def store(self, response: Response) -> None:
        """Stores the response for replays (not one that means "try again"); a response
        stored first under this key is kept."""
        _record(
            caller=self.caller,
            key=self.key,
            fingerprint=self.fingerprint,
            response=response,
            keep_first=True,
        )


def idempotent(caller_of: Callable[[Request], str], *, atomic: bool = True) -> Callable:
    """Decorates an APIView handler; caller_of(request) names who owns the key space.

    With atomic (the default) the handler runs in one transaction with its stored response,
    and a retry is found out only when that response cannot be stored (the unique key) or
    the handler refuses: the retry's own effect is rolled back, and the first response goes
    back. So a first request costs no lookup. A handler that commits in steps of its own
    (e.g. holds credits, calls a slow upstream, then confirms) passes atomic=False: a retry is
    looked up before it runs, its own keys must make its effect exactly-once, and the response
    is stored after it.
    """

    def decorator(handler: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(handler)
        def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            key = _key(request)
            caller, fingerprint = caller_of(request), _fingerprint(request)
            stored = partial(_replay, caller=caller, key=key, fingerprint=fingerprint)
            record = partial(_record, caller=caller, key=key, fingerprint=fingerprint)
            if not atomic and (replay := stored()):
                return replay
            # With atomic, the marker outlives a stored response until it expires (one cache
            # call per request): a retry that finds it looks for that response before 409.
            marker = f"idempotency:{caller}:{key}"
            if not cache.add(marker, 1, timeout=settings.IDEMPOTENCY_IN_FLIGHT_TIMEOUT_SECONDS):
                if replay := stored():
                    return replay
                raise IdempotentRequestInFlight()

            def run() -> Response:
                try:
                    with transaction.atomic() if atomic else nullcontext():
                        response = handler(view, request, *args, **kwargs)
                        record(response=response)
                    return response
                except IntegrityError:
                    # A response is stored under this key already (a retry, or a request
                    # whose marker had expired): with atomic, this one's effect was rolled
                    # back with its record.
                    if replay := stored():
                        return replay
                    raise
                except (ApiError, APIException) as exc:
                    if atomic and (replay := stored()):
                        return replay
                    # The refusal is stored on its own (with atomic, the handler's writes
                    # were rolled back).
                    refused = api_exception_handler(exc, {"view": view, "request": request})
                    try:
                        record(response=refused)
                    except IntegrityError:
                        # A request with this key, its marker expired, stored first.
                        return stored() or refused
                    return refused

            response = None
            try:
                response = run()
                return response
            finally:
                if response is None or not atomic or not _is_stored(response.status_code):
                    cache.delete(marker)

        return wrapper

    return decorator


def student_caller(request: Request) -> str:
    return f"user:{student_of(request).pk}"


def idempotency_records_purge(*, older_than: timedelta = timedelta(hours=24)) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
