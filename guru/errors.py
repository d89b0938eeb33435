"""Guru's domain errors, each with its stable code: content rules and admin sign-in."""

from typing import Any

from config.errors import (
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    ServiceUnavailable,
    UpstreamError,
)


class CourseNotFound(NotFound):
    code = "course_not_found"
    message = "No published course has this id."


class CertificateRulesNotFound(NotFound):
    code = "certificate_rules_not_found"
    message = "This course has no certificate rules."


class ConcurrentChange(Conflict):
    code = "concurrent_change"
    message = "Another change to the same data was saved first; reload and retry."


class ContentInUse(Conflict):
    code = "content_in_use"
    message = "Other content still refers to this; change or remove those references first."


class AlreadyExists(Conflict):
    """A create (or an update) that would make a second row where a unique rule allows one:
    the admin meant to change the existing row, so the answer names it."""

    code = "already_exists"
    message = "This already exists; update the existing one instead of creating another."


class CourseArchived(Conflict):
    code = "course_archived"
    message = "This course is archived; it can no longer be published or edited."


class CourseHasNoLessons(Conflict):
    code = "course_has_no_lessons"
    message = "A course needs at least one lesson before it can be published."


BEARER_CHALLENGE = 'Bearer realm="guru-admin"'


class _AdminUnauthenticated(NotAuthenticated):
    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.headers.setdefault("WWW-Authenticate", BEARER_CHALLENGE)


class AdminTokenInvalid(_AdminUnauthenticated):
    code = "admin_token_invalid"
    message = "The token is not valid. Sign in again."


class AdminTokenExpired(_AdminUnauthenticated):
    code = "admin_token_expired"
    message = "The access token has expired. Refresh it."


class AdminSessionEnded(_AdminUnauthenticated):
    code = "admin_session_ended"
    message = "The admin session has ended. Sign in again."


class AdminOtpRejected(_AdminUnauthenticated):
    """A refused login code: 401, as a login endpoint answers wrong credentials, keeping the
    OTP service's own code (otp_incorrect, otp_expired, otp_used, ...) and details."""


class ApiKeyMissing(NotAuthenticated):
    code = "api_key_missing"
    message = "Send a Guru API key in the X-API-Key header."


class ApiKeyInvalid(NotAuthenticated):
    code = "api_key_invalid"
    message = "This API key is not valid."


class ApiKeyRevoked(Forbidden):
    code = "api_key_revoked"
    message = "This API key has been revoked."


class ApiKeyExpired(Forbidden):
    code = "api_key_expired"
    message = "This API key has expired."


class ApiKeyScopeMissing(Forbidden):
    code = "api_key_scope_missing"
    message = "This API key lacks the scope this endpoint needs."


class ShishyaUnavailable(UpstreamError):
    code = "shishya_unavailable"
    message = "The student side did not answer. Nothing was granted; try again."


class GrantsNotConfigured(ServiceUnavailable):
    code = "grants_unavailable"
    message = "Credit grants are not configured on this server."
