"""Regular expressions evaluated on student input, on one engine: RE2, whose matching time
grows linearly with the input whatever the pattern, so no pattern can hang a worker.

Guru validates an admin's pattern with pattern_compile when it is saved; the student side
grades with pattern_search. RE2 refuses what it cannot run in linear time (backreferences,
lookaround); such a pattern is refused on save, never approximated.
"""

import re2


class PatternUnsupported(ValueError):
    """RE2 cannot compile the pattern; the message says why (RE2's own words)."""


def _options() -> re2.Options:
    options = re2.Options()
    # RE2 would also print each refused pattern to stderr; the caller reports it instead.
    options.log_errors = False
    return options


def pattern_compile(pattern: str) -> "re2._Regexp":
    """The compiled pattern (RE2 keeps a cache of them), or PatternUnsupported."""
    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        raise PatternUnsupported(str(exc) or "not a valid RE2 pattern") from None


def pattern_search(pattern: str, text: str) -> bool:
    """True when pattern matches anywhere in text, as re.search would."""
    return pattern_compile(pattern).search(text) is not None
