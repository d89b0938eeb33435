"""Errors of the identity core, each with its stable code."""

from config.errors import ApiError, RateLimited, ServiceUnavailable


class EmailDeliveryFailed(ServiceUnavailable):
    code = "email_delivery_failed"
    message = "The email could not be sent. Try again in a moment."


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
