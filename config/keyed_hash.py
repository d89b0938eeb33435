"""Keyed hashes for OTPs, API keys and system keys: HMAC-SHA256 under a versioned pepper.

The pepper is its own secret (KEYED_HASH_PEPPERS, not SECRET_KEY), so rotating either one
leaves the other's hashes valid. "3:new,2:old" keeps two peppers live during a rotation: new
hashes use the first, stored hashes name the version they were made with.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _peppers() -> dict[str, bytes]:
    peppers: dict[str, bytes] = {}
    for entry in settings.KEYED_HASH_PEPPERS.split(","):
        version, sep, secret = entry.strip().partition(":")
        if not sep or not version.isdigit() or not secret:
            raise ImproperlyConfigured("KEYED_HASH_PEPPERS entries look like '<version>:<secret>'")
        peppers[version] = secret.encode()
    return peppers


def _digest(pepper: bytes, purpose: str, value: str) -> str:
    # The purpose separates domains: an OTP hash can never match an API key's.
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(pepper, message, hashlib.sha256).hexdigest()


def keyed_hash(value: str, *, purpose: str) -> str:
    """'<version>$<hex digest>' under the current (first) pepper."""
    version, pepper = next(iter(_peppers().items()))
    return f"{version}${_digest(pepper, purpose, value)}"


def keyed_hash_candidates(value: str, *, purpose: str) -> list[str]:
    """The hash under every live pepper: for looking a stored hash up by value."""
    return [
        f"{version}${_digest(pepper, purpose, value)}" for version, pepper in _peppers().items()
    ]


def keyed_hash_matches(value: str, stored: str, *, purpose: str) -> bool:
    """Constant-time check of value against a stored hash; a retired pepper never matches."""
    version, _, digest = stored.partition("$")
    pepper = _peppers().get(version)
    if pepper is None:
        return False
    return hmac.compare_digest(_digest(pepper, purpose, value), digest)
