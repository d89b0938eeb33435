"""Public verification ids of certificates ("OSC-...") and marksheets ("OSM-..."): 80 random
bits from `secrets` in Crockford base32, four groups of four, easy to read out and type."""

import re
import secrets

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CERTIFICATE_PREFIX = "OSC"
MARKSHEET_PREFIX = "OSM"
_RANDOM_BITS = 80
_GROUPS, _GROUP_SIZE = 4, 4
# Crockford decoding forgives the letters people confuse with digits.
_TYPO_FIXES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SHAPE = re.compile(r"^(OSC|OSM)-([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}$")


def verification_id_new(prefix: str) -> str:
    number = secrets.randbits(_RANDOM_BITS)
    chars = "".join(CROCKFORD[(number >> shift) & 31] for shift in range(75, -1, -5))
    groups = [chars[i : i + _GROUP_SIZE] for i in range(0, _GROUPS * _GROUP_SIZE, _GROUP_SIZE)]
    return "-".join([prefix, *groups])


def verification_id_normalize(raw: str) -> str | None:
    """The canonical form of an id as a person typed it (any case, I/L for 1, O for 0), or
    None when it cannot be one of ours."""
    candidate = raw.strip().upper()
    if "-" not in candidate:
        return None
    prefix, rest = candidate.split("-", 1)
    candidate = f"{prefix}-{rest.translate(_TYPO_FIXES)}"
    return candidate if _SHAPE.match(candidate) else None
