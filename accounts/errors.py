"""Errors of the identity core, each with its stable code."""

from config.errors import ApiError, RateLimited, ServiceUnavailable, UnavailableReason


class EmailDeliveryFailed(ServiceUnavailable):
    code = "email_delivery_failed"
    message = "The email could not be sent. Try again in a moment."
    reason = UnavailableReason.UPSTREAM_DOWN

    def __init__(self, *, retryable: bool = False, error_type: str = "") -> None:
        super().__init__()
        # Whether the provider may take it later, and its error type (for the outbox row).
        self.retryable = retryable
        self.error_type = error_type or "unknown"


class OtpInvalid(ApiError):
    code = "otp_invalid"
    message = "This verification code is not valid."


class OtpIncorrect(ApiError):
    code = "otp_incorrect"
    message = "The verification code is incorrect."


class OtpExpired(ApiError):
    code = "otp_expired"
    message = "The verification code has expired. Request a new one."


class OtpUsed(ApiError):
    code = "otp_used"
    message = "The verification code was already used. Request a new one."


class OtpSuperseded(ApiError):
    code = "otp_superseded"
    message = "A newer verification code was sent. Use the latest one."


class OtpAttemptsExceeded(ApiError):
    code = "otp_attempts_exceeded"
    message = "Too many wrong codes. Request a new one."


class OtpCooldown(RateLimited):
    code = "otp_cooldown"
    message = "A code was sent moments ago. Wait before asking for another."


class OtpDailyLimit(RateLimited):
    code = "otp_daily_limit"
    message = "Too many wrong codes today. Try again later."


class InvalidCredentials(ApiError):
    # One answer for an unknown email, a wrong password and an admin account.
    status_code = 401
    code = "invalid_credentials"
    message = "The email or password is incorrect."


class EmailNotVerified(ApiError):
    status_code = 403
    code = "email_not_verified"
    message = "Verify your email first: enter the code we sent, or ask for a new one."


class PasswordIncorrect(ApiError):
    code = "password_incorrect"
    message = "The current password is incorrect."


class UsernameTaken(ApiError):
    status_code = 409
    code = "username_taken"
    message = "This username is taken."
