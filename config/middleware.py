"""Request-wide middleware: a request id on every request, response and log line."""

import re
import uuid
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from config.request_id import current_request_id

REQUEST_ID_HEADER = "X-Request-ID"
# An id from a trusted proxy is kept only if it is short and plain: it ends up in logs.
_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


class RequestIdMiddleware:
    # Both modes: under ASGI a sync-only middleware would run every request, a streamed
    # answer's too, in a thread of its own.
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if iscoroutinefunction(self.get_response):
            return self._acall(request)
        request_id = _request_id_start(request)
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        request_id = _request_id_start(request)
        token = current_request_id.set(request_id)
        try:
            response = await self.get_response(request)  # type: ignore[misc]
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _request_id_start(request: HttpRequest) -> str:
    request_id = _incoming_request_id(request) or uuid.uuid4().hex
    request.request_id = request_id  # type: ignore[attr-defined]
    return request_id


def _incoming_request_id(request: HttpRequest) -> str | None:
    """Only a trusted proxy may name the request id; a client-chosen id is ignored."""
    if not settings.TRUSTED_PROXY_COUNT:
        return None
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if _ACCEPTABLE_REQUEST_ID.match(incoming) else None
