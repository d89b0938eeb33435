"""Field validators shared by Guru's models (the admin site and the admin API both run them)."""

from typing import Any

from django.core.exceptions import ValidationError

from config.patterns import PatternUnsupported, pattern_compile

MAX_LIST_ITEMS = 50
MAX_LIST_ITEM_LENGTH = 500


def validate_string_list(value: Any) -> None:
    """A JSON list of distinct, non-blank strings (skills, hints, features, objectives)."""
    if not isinstance(value, list):
        raise ValidationError("Must be a list of strings.", code="not_a_list")
    if len(value) > MAX_LIST_ITEMS:
        raise ValidationError(f"At most {MAX_LIST_ITEMS} items.", code="too_many_items")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError("Every item must be a non-blank string.", code="blank_item")
        if len(item) > MAX_LIST_ITEM_LENGTH:
            raise ValidationError(
                f"Items are at most {MAX_LIST_ITEM_LENGTH} characters.", code="item_too_long"
            )
    if len(set(value)) != len(value):
        raise ValidationError("Items must be distinct.", code="duplicate_item")


def validate_regex(value: str) -> None:
    """A pattern students' code is graded against: RE2 syntax (README, "Regex labs"), which
    has no backreferences or lookaround, so grading takes linear time whatever the pattern."""
    try:
        pattern_compile(value)
    except PatternUnsupported as exc:
        raise ValidationError(
            f"Not a pattern RE2 can run (no backreferences or lookaround): {exc}",
            code="regex_unsupported",
        ) from None
