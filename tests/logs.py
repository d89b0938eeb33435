"""Reading what a test's log records hold, for the tests that secrets never reach the logs."""

import json
import logging
import re


def everything_logged(records: list[logging.LogRecord]) -> str:
    """Each record whole: its message, arguments, extra fields and traceback, as JSON lines."""
    return "\n".join(
        json.dumps({**vars(record), "message": record.getMessage()}, default=str)
        for record in records
    )


def holds_code(text: str, code: str) -> bool:
    """Whether a numeric code (an emailed OTP) stands alone in `text`.

    A six-digit code is found by chance inside a record's timestamps and ids (its
    `relativeCreated`, thread id, request id), so a code only counts where it is not part of a
    longer run of letters or digits.
    """
    return re.search(rf"\b{re.escape(code)}\b", text) is not None
