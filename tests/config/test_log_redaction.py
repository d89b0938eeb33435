import io
import json
import logging
import sys

import pytest

from config.logging import REDACTED, RedactSecretsFilter, RequestIdFilter
from config.request_id import current_request_id
from tests.logs import everything_logged, holds_code

API_KEY = "ais_" + "ab12" * 16
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJlLXZhbHVl"


@pytest.fixture
def json_log():
    """A logger wired as in settings.LOGGING: JSON lines, request id, redaction."""
    from pythonjsonlogger.json import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(message)s %(request_id)s"))
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactSecretsFilter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("login password=hunter2-secret for a@b.c", "hunter2-secret"),
        ('body {"email": "a@b.c", "password": "hunter2-secret"}', "hunter2-secret"),
        ("verify otp: 482913", "482913"),
        ('{"otp": "482913"}', "482913"),
        (f"guru key {API_KEY}", API_KEY),
        (f"X-API-Key: {API_KEY}", API_KEY),
        (f"Authorization: Bearer {JWT}", JWT),
        (f"issued {JWT}", JWT),
        ('{"access": "opaque-access", "refresh": "opaque-refresh"}', "opaque-"),
        ("Cookie: sessionid=k2j3h4g5f6d7s8a9; csrftoken=zz", "k2j3h4g5f6d7s8a9"),
        ("X-Razorpay-Signature: 9f86d081884c7d659a2feaa0c55ad015", "9f86d081884c7d659a2f"),
        ("system_key=sys-secret-value ok", "sys-secret-value"),
        ("client secret: rzp_live_AbCdEf123456", "AbCdEf123456"),
        ("openai key sk-proj-abcdefgh12345678", "abcdefgh12345678"),
    ],
)
def test_secret_in_message_is_redacted(json_log, message, secret):
    logger, stream = json_log
    logger.warning(message)
    (line,) = lines(stream)
    assert secret not in json.dumps(line)
    assert REDACTED in line["message"]


def test_secret_in_arguments_and_extra_fields_is_redacted(json_log):
    logger, stream = json_log
    logger.info(
        "signup for %s with %s",
        "a@b.c",
        {"password": "hunter2-secret"},
        extra={"otp": "123456", "payload": {"api_key": API_KEY, "course": 7}},
    )
    (line,) = lines(stream)
    text = json.dumps(line)
    assert "hunter2-secret" not in text and "123456" not in text and API_KEY not in text
    assert line["otp"] == REDACTED
    assert line["payload"] == {"api_key": REDACTED, "course": 7}
    assert "a@b.c" in line["message"]


def test_secret_in_traceback_is_redacted(json_log):
    logger, stream = json_log
    try:
        raise ValueError(f"bad token {JWT}")
    except ValueError:
        logger.exception("failed")
    (line,) = lines(stream)
    assert JWT not in json.dumps(line)
    assert "ValueError" in line["exc_info"]


def test_harmless_text_is_left_alone(json_log):
    logger, stream = json_log
    logger.info("course 42 published by admin 7 in 0.3 s")
    (line,) = lines(stream)
    assert line["message"] == "course 42 published by admin 7 in 0.3 s"


def test_log_line_carries_the_current_request_id(json_log):
    logger, stream = json_log
    token = current_request_id.set("req-abc12345")
    try:
        logger.info("inside a request")
    finally:
        current_request_id.reset(token)
    logger.info("outside")
    inside, outside = lines(stream)
    assert inside["request_id"] == "req-abc12345"
    assert outside["request_id"] == "-"


def test_a_code_counts_anywhere_but_inside_a_longer_number():
    for text in (
        '{"message": "otp 626129 sent"}',
        '{"otp": "626129"}',
        '"Code:\\n626129"',  # a JSON-escaped newline before it
        "otp%3D626129",
        "otp_626129",
    ):
        assert holds_code(text, "626129"), text
    assert not holds_code('{"took": 330745.75662612915}', "626129")
    assert not holds_code("succeeded in 0.0136261291s", "626129")


def test_what_is_checked_for_secrets_leaves_out_only_the_records_clocks_and_ids():
    try:
        raise ValueError("otp 626129") from KeyError("password hunter2-secret")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.makeLogRecord(
        {
            "msg": "otp %s",
            "args": ("626129",),
            "otp": "626129",
            "traceback": "an extra field, kept",
            "exc_info": exc_info,
        }
    )
    record.created, record.relativeCreated, record.process = 1764594406.626129, 330745.5, 626129
    logged = json.loads(everything_logged([record]))
    assert logged["message"] == "otp 626129" and logged["otp"] == "626129"
    assert "hunter2-secret" in logged["exc_text"]  # the chained cause, whole
    assert logged["traceback"] == "an extra field, kept"
    assert logged.keys().isdisjoint({"created", "msecs", "relativeCreated", "thread", "process"})
