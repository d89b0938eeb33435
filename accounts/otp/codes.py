"""Emailed one-time codes, derived from their challenge's id under OTP_CODE_KEYS (HMAC).

The code is stored nowhere: not in the challenge row, the email outbox, the broker's
messages or a log. Whoever sends the email derives it again, so a redelivered task sends the
same code, and checking a code derives it once more. "2:new,1:old" keeps two keys live during
a rotation: a challenge names the version its code came from; a retired version derives
nothing, and its codes are refused.
"""

import hashlib
import hmac
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CODE_DIGITS = 6


def _code_keys() -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for entry in settings.OTP_CODE_KEYS.split(","):
        version, sep, secret = entry.strip().partition(":")
        if not sep or not version.isdigit() or not secret:
            raise ImproperlyConfigured("OTP_CODE_KEYS entries look like '<version>:<secret>'")
        keys[version] = secret.encode()
    return keys


def otp_code_key_version() -> str:
    """The version new challenges derive their codes under (the first key)."""
    return next(iter(_code_keys()))


def otp_code(*, challenge_id: uuid.UUID, purpose: str, key_version: str) -> str | None:
    """The 6-digit code of a challenge, or None when its key has been retired."""
    key = _code_keys().get(key_version)
    if key is None:
        return None
    message = f"otp-code\x00{purpose}\x00{challenge_id}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    # 256 bits reduced modulo 10^6: the bias is far below one in 10^70.
    return f"{int.from_bytes(digest, 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def otp_code_matches(*, challenge_id: uuid.UUID, purpose: str, key_version: str, code: str) -> bool:
    expected = otp_code(challenge_id=challenge_id, purpose=purpose, key_version=key_version)
    return expected is not None and hmac.compare_digest(expected.encode(), code.encode())
