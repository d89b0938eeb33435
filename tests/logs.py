"""Reading what a test's log records hold, for the tests that secrets never reach the logs."""

import json
import logging
import re

# What the logging module fills in from clocks and process ids: no secret can be in them, and a
# six-digit code turns up in them by chance ("created": 1764594406.626129).
CLOCKS_AND_IDS = frozenset({"created", "msecs", "relativeCreated", "thread", "process"})


def everything_logged(records: list[logging.LogRecord]) -> str:
    """Each record whole but its clocks and ids: its message, arguments, extra fields and
    formatted traceback, as JSON lines."""
    return "\n".join(
        json.dumps(
            {
                **{k: v for k, v in vars(record).items() if k not in CLOCKS_AND_IDS},
                "message": record.getMessage(),
                "traceback": (
                    logging.Formatter().formatException(record.exc_info)
                    if record.exc_info
                    else None
                ),
            },
            default=str,
        )
        for record in records
    )


def holds_code(text: str, code: str) -> bool:
    """Whether a numeric code (an emailed OTP) stands alone in `text`.

    A six-digit code is found by chance inside longer runs of digits and letters (a request
    id, a worker's log timings), so a code only counts where it is not part of one.
    """
    return re.search(rf"\b{re.escape(code)}\b", text) is not None
