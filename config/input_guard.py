"""Input the parser or the database cannot take, refused at the edge with a 400 before any
view runs: a NUL byte or a lone surrogate anywhere (path, query string, headers, form fields,
JSON strings and keys at any depth), and JSON nested deeper than any request of ours needs.

PostgreSQL refuses NUL in text and UTF-8 cannot encode a lone surrogate, so either would
otherwise fail deep in a view as a 500; Python's JSON decoder recurses once per level.
"""

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse

from config.exception_handler import error_body

# No request body of this API nests anywhere near this deep (plan features, audit values and
# content blocks stay under 5 levels); the decoder itself gives up near 1,000.
MAX_JSON_DEPTH = 32

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class _Refused(Exception):
    def __init__(self, code: str, message: str, location: str) -> None:
        super().__init__(message)
        self.code, self.message, self.location = code, message, location


def text_storable(text: str) -> bool:
    """False for text PostgreSQL or UTF-8 cannot take: NUL bytes and lone surrogates."""
    return _UNSTORABLE.search(text) is None


def _check_text(text: str, location: str) -> None:
    if not text_storable(text):
        raise _Refused(
            "invalid_characters",
            "The request contains characters that cannot be stored (NUL or a lone surrogate).",
            location,
        )


def _check_json(value: Any) -> None:
    """Walks a decoded JSON document without recursion: every key and string, every depth."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            _check_text(item, "body")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key, "body")
                pending.append((child, depth + 1))
        else:
            pending.extend((child, depth + 1) for child in item)


def _too_deep() -> _Refused:
    return _Refused(
        "nesting_too_deep", f"JSON may nest at most {MAX_JSON_DEPTH} levels deep.", "body"
    )


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _check_request(request: HttpRequest) -> None:
    _check_text(request.path, "path")
    for name, values in request.GET.lists():
        _check_text(name, "query")
        for value in values:
            _check_text(value, "query")
    for name, value in request.META.items():
        if (name.startswith("HTTP_") or name == "CONTENT_TYPE") and isinstance(value, str):
            _check_text(value, "header")
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if _is_json(content_type):
        try:
            document = json.loads(request.body)
        except RecursionError:
            raise _too_deep() from None
        except ValueError:
            return  # not JSON at all: the view's parser answers parse_error
        _check_json(document)
    elif content_type.split(";", 1)[0].strip().lower() in _FORM_TYPES:
        for name, values in request.POST.lists():
            _check_text(name, "body")
            for value in values:
                _check_text(value, "body")
        for upload in request.FILES.values():
            if isinstance(upload, UploadedFile):  # (a field's value is a list only when empty)
                _check_text(upload.name or "", "body")


def input_refusal(request: HttpRequest) -> JsonResponse | None:
    """The 400 for input no view could take, or None when the request may go on."""
    try:
        _check_request(request)
    except _Refused as refused:
        body = error_body(refused.code, refused.message, details={"location": refused.location})
        return JsonResponse(body, status=400)
    return None


class InputGuardMiddleware:
    """Runs input_refusal on every request, API and admin site alike, sync or async."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if iscoroutinefunction(self.get_response):
            return self._acall(request)
        return input_refusal(request) or self.get_response(request)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        return input_refusal(request) or await self.get_response(request)
