"""The one exception hierarchy of the API: each error has an HTTP status and a stable code.

Services raise these; config.exception_handler renders every one of them (and DRF's and
Django's own errors) as {"error": {"code", "message", "fields"?, "details"?}}.
"""

from typing import Any

# Validation codes a client acts on by name: a refusal carrying one answers with it as the
# envelope's code instead of the generic "invalid" (the field messages still say where).
NAMED_VALIDATION_CODES = frozenset({"regex_unsupported"})


class ApiError(Exception):
    status_code = 400
    code = "bad_request"
    message = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        status: int | None = None,
    ) -> None:
        # status is for relaying another service's error as it came; raise a subclass otherwise.
        self.status_code = status or self.status_code
        self.message = message or self.message
        self.code = code or self.code
        self.fields = fields
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)


class InvalidInput(ApiError):
    status_code = 400
    code = "invalid"
    message = "The request has invalid fields."


class NotAuthenticated(ApiError):
    status_code = 401
    code = "not_authenticated"
    message = "Authentication is required."


class InsufficientCredits(ApiError):
    status_code = 402
    code = "insufficient_credits"
    message = "Not enough credits for this action."


class Forbidden(ApiError):
    status_code = 403
    code = "forbidden"
    message = "You are not allowed to do this."


class NotFound(ApiError):
    status_code = 404
    code = "not_found"
    message = "Not found."


class Conflict(ApiError):
    status_code = 409
    code = "conflict"
    message = "The request conflicts with the current state."


class Busy(Conflict):
    code = "busy"
    message = "Another request is changing this right now. Retry in a moment."

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.headers.setdefault("Retry-After", "1")


class Gone(ApiError):
    status_code = 410
    code = "gone"
    message = "This resource is no longer available."


class IdempotencyKeyReused(ApiError):
    status_code = 422
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was used with a different request."


class RateLimited(ApiError):
    status_code = 429
    code = "rate_limited"
    message = "Too many requests. Try again later."

    def __init__(self, message: str | None = None, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))
        self.headers["Retry-After"] = str(self.retry_after)


class UpstreamError(ApiError):
    status_code = 502
    code = "upstream_error"
    message = "An upstream service failed."


class ServiceUnavailable(ApiError):
    status_code = 503
    code = "service_unavailable"
    message = "The service is temporarily unavailable."
