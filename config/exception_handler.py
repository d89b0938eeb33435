"""Renders every error as the one envelope: DRF's exceptions, ours, rate limits, 404s, 500s."""

import logging
from typing import Any, overload

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django_ratelimit.exceptions import Ratelimited
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from config.errors import NAMED_VALIDATION_CODES, ApiError, Busy, CacheUnavailable
from config.locks import is_lock_timeout

logger = logging.getLogger(__name__)

# What the cache raises when Redis does not answer (django-redis re-raises redis's own).
CACHE_DOWN_ERRORS = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError)

# When a django-ratelimit decorator blocks, the window left is unknown: tell clients a minute.
DEFAULT_RETRY_AFTER_SECONDS = 60

_DRF_CODES: list[tuple[type[Exception], str]] = [
    (drf.ValidationError, "invalid"),
    (drf.ParseError, "parse_error"),
    (drf.AuthenticationFailed, "authentication_failed"),
    (drf.NotAuthenticated, "not_authenticated"),
    (drf.PermissionDenied, "forbidden"),
    (drf.NotFound, "not_found"),
    (drf.MethodNotAllowed, "method_not_allowed"),
    (drf.NotAcceptable, "not_acceptable"),
    (drf.UnsupportedMediaType, "unsupported_media_type"),
    (drf.Throttled, "rate_limited"),
]


def error_body(
    code: str,
    message: str,
    *,
    fields: Any = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    if details:
        error["details"] = details
    return {"error": error}


@overload
def api_exception_handler(
    exc: ApiError | drf.APIException, context: dict[str, Any]
) -> Response: ...
@overload
def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None: ...
def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER. Unknown exceptions return None so Django logs them as 500s."""
    if is_lock_timeout(exc):
        exc = Busy()
    elif isinstance(exc, CACHE_DOWN_ERRORS):
        logger.error("cache unavailable: %s", type(exc).__name__)
        exc = CacheUnavailable()
    if isinstance(exc, Ratelimited):
        set_rollback()
        return Response(
            error_body("rate_limited", "Too many requests. Try again later."),
            status=429,
            headers={"Retry-After": str(DEFAULT_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, ApiError):
        set_rollback()
        return Response(
            error_body(exc.code, exc.message, fields=exc.fields, details=exc.details),
            status=exc.status_code,
            headers=exc.headers,
        )
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    if not isinstance(exc, drf.APIException):
        return None

    set_rollback()
    return _drf_error_response(exc)


def _drf_error_response(exc: drf.APIException) -> Response:
    code = next((code for cls, code in _DRF_CODES if isinstance(exc, cls)), "error")
    status = exc.status_code
    headers: dict[str, str] = {}
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        # DRF downgrades these to 403 when the authenticator has no WWW-Authenticate scheme
        # (session auth); an unauthenticated request is a 401 in this API.
        status = 401
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            headers["WWW-Authenticate"] = auth_header
    # DRF sets Throttled.wait (seconds, or None); its stubs leave the attribute out.
    wait = getattr(exc, "wait", None) if isinstance(exc, drf.Throttled) else None
    if wait is not None:
        headers["Retry-After"] = str(max(1, int(wait)))

    if isinstance(exc, drf.ValidationError):
        detail = exc.detail
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        code = next(iter(_codes_in(exc.get_codes()) & NAMED_VALIDATION_CODES), code)
        return Response(
            error_body(code, "The request has invalid fields.", fields=fields),
            status=status,
            headers=headers,
        )
    message = str(exc.detail) if not isinstance(exc.detail, list | dict) else str(exc)
    return Response(error_body(code, message), status=status, headers=headers)


def _codes_in(codes: Any) -> set[str]:
    if isinstance(codes, dict):
        return set().union(*map(_codes_in, codes.values())) if codes else set()
    if isinstance(codes, list):
        return set().union(*map(_codes_in, codes)) if codes else set()
    return {codes}


def _json_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


# Django-level handlers (config.urls wires them): errors raised outside DRF views.
def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _json_error(400, "bad_request", "The request could not be processed.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    if isinstance(exception, Ratelimited):
        response = _json_error(429, "rate_limited", "Too many requests. Try again later.")
        response["Retry-After"] = str(DEFAULT_RETRY_AFTER_SECONDS)
        return response
    return _json_error(403, "forbidden", "You are not allowed to do this.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _json_error(404, "not_found", "Not found.")


def server_error(request: HttpRequest) -> JsonResponse:
    # Django has already logged the exception (logger django.request) with the request id.
    return _json_error(500, "server_error", "An unexpected error occurred.")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return _json_error(403, "csrf_failed", "CSRF verification failed. Send the X-CSRFToken header.")
