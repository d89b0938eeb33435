"""Errors of the student side's shared infrastructure (the Guru client), each with its
stable code."""

from config.errors import NotFound, ServiceUnavailable, UnavailableReason


class GuruUnavailable(ServiceUnavailable):
    code = "guru_unavailable"
    message = "Course data is temporarily unavailable. Try again in a moment."
    reason = UnavailableReason.UPSTREAM_DOWN


class Unhealthy(ServiceUnavailable):
    """One of the health endpoint's checks failed; details.checks names which."""

    code = "unhealthy"
    message = "A health check failed."
    reason = UnavailableReason.CHECK_FAILED


class GuruNotFound(NotFound):
    pass


class GuruMisconfigured(GuruUnavailable):
    """Guru refused our API key: an operator problem, shown to students as unavailable."""

    reason = UnavailableReason.CREDENTIALS_REFUSED
