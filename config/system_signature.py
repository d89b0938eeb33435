"""The HMAC our own systems sign requests to each other with (Guru's grants to the wallet):
both sides compute it here, so they can never drift apart."""

import hashlib
import hmac

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
KEY_ID_HEADER = "X-Signature-Key-Id"


def system_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of "<timestamp>.<raw body>" under the shared system key."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
