"""Reading what a test's log records hold, for the tests that secrets never reach the logs."""

import json
import logging
import re

# What the logging module fills in from clocks and process ids: no secret can be in them, and a
# six-digit code turns up in them by chance ("created": 1764594406.626129).
CLOCKS_AND_IDS = frozenset({"created", "msecs", "relativeCreated", "thread", "process"})


def everything_logged(records: list[logging.LogRecord]) -> str:
    """Each record whole but its clocks and ids: its message, arguments, extra fields and
    formatted traceback (as `exc_text`, a name no extra field may take), as JSON lines."""
    return "\n".join(
        json.dumps(
            {
                **{k: v for k, v in vars(record).items() if k not in CLOCKS_AND_IDS},
                "message": record.getMessage(),
                "exc_text": _traceback(record),
            },
            default=str,
            ensure_ascii=False,
        )
        for record in records
    )


def _traceback(record: logging.LogRecord) -> str | None:
    if record.exc_text or not record.exc_info:
        return record.exc_text
    return logging.Formatter().formatException(record.exc_info)


def holds_code(text: str, code: str) -> bool:
    """Whether a numeric code (an emailed OTP) is in `text` other than inside a longer number.

    A six-digit code is found by chance among the digits of a longer number (a duration in a
    worker's log), so only digits around it disqualify it: a code after a letter, an escaped
    newline or `=` counts. (Clock fields are left out by `everything_logged` instead: a
    timestamp's fraction can be exactly six digits.)
    """
    return re.search(rf"(?<!\d){re.escape(code)}(?!\d)", text) is not None
