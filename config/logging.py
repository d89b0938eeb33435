"""Log filters: every record carries the request id, and no secret survives into a log line."""

import logging
import re
from typing import Any

from config.request_id import current_request_id

REDACTED = "[REDACTED]"

_SENSITIVE_NAME = (
    r"password|passwd|pwd|otp|token|access|refresh|secret|pepper|key|"
    r"authorization|cookie|session(?:id|_key)?|csrf(?:token)?|signature|card(?:_number)?|cvv"
)
_SENSITIVE_KEY = re.compile(rf"(?i)^[\w-]*(?:{_SENSITIVE_NAME})[\w-]*$")

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # key=value, key: value, "key": "value" (JSON, query strings, headers, reprs)
    (
        re.compile(
            rf"""(?ix)
            (["']?[\w-]*(?:{_SENSITIVE_NAME})[\w-]*["']?\s*[:=]\s*)   # the key and separator
            (?:Bearer\s+|Basic\s+)?                               # an auth scheme
            (["']?)[^"'\s,&;}}]+\2                                # the value
            """
        ),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"\bais_[0-9a-fA-F]{16,}"), REDACTED),  # Guru API keys
    (re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]*"), REDACTED),  # JWTs
    (re.compile(r"(?i)\b(Bearer|Basic)\s+[\w\-.~+/=]+"), rf"\1 {REDACTED}"),
    (re.compile(r"\b(?:sk-|sk_|rk_|re_|rzp_)[\w-]{8,}"), REDACTED),  # provider secret keys
]

_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


def redact_text(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_value(value: Any, key: str = "") -> Any:
    if key and _SENSITIVE_KEY.match(key):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs a request's response after our middleware has returned; the
            # request it passes along still carries the id.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True


class RedactSecretsFilter(logging.Filter):
    """Redacts the message, its arguments, extra fields and the traceback of a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(record.getMessage())
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = redact_text(formatter.formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _RECORD_ATTRIBUTES:
                setattr(record, name, redact_value(value, name))
        return True
