"""Log filters: every record carries the request id, and no secret survives into a log line."""

import logging
import re
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, ResolverMatch, resolve

from config.keyed_hash import keyed_hash
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


# The catch-all of config.urls: a match on it says nothing about the path.
UNROUTED_URL_NAME = "api-not-found"
# The dev server's request line: "GET /path?query HTTP/1.1".
_REQUEST_LINE = re.compile(r"\b([A-Z]+) (\S+) (HTTP/\d(?:\.\d)?)\b")


def path_for_log(path: str, match: ResolverMatch | None = None) -> str:
    """A path as logs may show it: the route pattern it matched (/api/public/vouchers/<str:code>),
    or a keyed hash when no route matched. Never the path or query string themselves: they
    can carry voucher codes, verification ids, usernames and tokens."""
    path = urlsplit(path).path
    if match is None:
        try:
            match = resolve(path)
        except Resolver404:
            match = None
    if match is None or match.url_name == UNROUTED_URL_NAME:
        return "unrouted:" + keyed_hash(path, purpose="log-path")[:18]
    return "/" + match.route


class RequestPathFilter(logging.Filter):
    """Puts the route in place of the raw path in every record that carries a request:
    django.request (4xx, 5xx, CSRF refusals), django.security, the dev server's lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            route = path_for_log(request.path_info, getattr(request, "resolver_match", None))
            message = record.getMessage()
            raw = sorted({request.get_full_path(), request.path, request.path_info}, key=len)
            for path in reversed(raw):  # the longest first: the full path holds the others
                message = message.replace(path, route)
            record.msg, record.args = message, None
            record.request = f"{request.method} {route}"
        elif record.name == "django.server":
            message = _REQUEST_LINE.sub(
                lambda line: f"{line[1]} {path_for_log(line[2])} {line[3]}", record.getMessage()
            )
            record.msg, record.args = message, None
            record.request = None
        return True
