"""The one exception hierarchy of the API: each error has an HTTP status and a stable code.

Services raise these; config.exception_handler renders every one of them (and DRF's and
Django's own errors) as {"error": {"code", "message", "fields"?, "details"?}}.
"""

from enum import StrEnum
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


# Guru's public API and the student's redeem endpoint both answer it (and import nothing of
# each other's).
class VoucherNotFound(NotFound):
    code = "voucher_not_found"
    message = "This voucher code does not exist."


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


# Answered by Guru's admin grants and by the student side's idempotent endpoints alike.
class IdempotencyKeyRequired(InvalidInput):
    code = "idempotency_key_required"
    message = "Send an Idempotency-Key header (8-200 characters: letters, digits, . _ : -)."


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


class UnavailableReason(StrEnum):
    """Why a service we depend on cannot do what was asked: `details.reason` of every 502,
    503 and 504, whichever the service (Guru, the tutor's model, the lab runner, payments,
    email, the student side, our own health checks). README lists them for clients."""

    NOT_CONFIGURED = "not_configured"  # not set up on this server (no key, no URL)
    CREDENTIALS_REFUSED = "credentials_refused"  # it refused our key or token
    REQUEST_REFUSED = "request_refused"  # it refused what we sent (e.g. an unknown model)
    DISABLED = "disabled"  # switched off on purpose (Guru's settings)
    NOT_PRICED = "not_priced"  # Guru lists no price for the action, so it cannot be charged
    NOT_SUPPORTED = "not_supported"  # this kind of item cannot be served (a language, a check)
    BUSY = "busy"  # it asked us to slow down; Retry-After says when to try again
    UPSTREAM_DOWN = "upstream_down"  # no answer, an error, or an answer that makes no sense
    TIMEOUT = "timeout"  # no answer in the time allowed
    CHECK_FAILED = "check_failed"  # one of our own health checks failed


class _Unavailable(ApiError):
    """Something we depend on cannot serve the request now; details.reason says why, from
    UnavailableReason. A subclass with a single cause names it as its `reason`; the others
    are given one where they are raised (forgetting it is a TypeError, caught by any test
    that reaches the line)."""

    reason: UnavailableReason | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        reason: UnavailableReason | None = None,
        details: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        chosen = reason or self.reason
        if chosen is None:
            raise TypeError(f"{type(self).__name__} needs a reason (UnavailableReason)")
        super().__init__(
            message,
            details={"reason": UnavailableReason(chosen).value, **(details or {})},
            **kwargs,
        )


class UpstreamError(_Unavailable):
    status_code = 502
    code = "upstream_error"
    message = "An upstream service failed."
    reason = UnavailableReason.UPSTREAM_DOWN


class ServiceUnavailable(_Unavailable):
    status_code = 503
    code = "service_unavailable"
    message = "The service is temporarily unavailable."


class CacheUnavailable(ServiceUnavailable):
    """The shared cache (Redis) does not answer. Rate limits count there, so every request
    that needs one is refused (fails closed) rather than served unlimited."""

    code = "cache_unavailable"
    message = "The service is temporarily unavailable. Retry in a moment."
    reason = UnavailableReason.UPSTREAM_DOWN

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.headers.setdefault("Retry-After", "5")


class UpstreamTimeout(_Unavailable):
    status_code = 504
    code = "upstream_timeout"
    message = "An upstream service did not answer in time."
    reason = UnavailableReason.TIMEOUT


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    message = "CSRF verification failed. Send the X-CSRFToken header."


class SystemSignatureInvalid(NotAuthenticated):
    code = "system_signature_invalid"
    message = "Missing, stale or invalid system signature."


class SystemSignatureReplayed(NotAuthenticated):
    code = "system_signature_replayed"
    message = "This signature was already used: sign every request afresh."
