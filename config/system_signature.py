"""Signed calls between our own systems (Guru's credit grants and reversals to the wallet, and
any added later): one versioned scheme that both sides sign and verify here, so the two can
never drift apart even though they deploy separately.

Scheme v1 (the header says which: `X-Signature: v1=<hex>`; a signer may send several schemes,
comma-separated, during a migration, and the verifier checks those it knows):

    hex HMAC-SHA256, under the system key named by X-Signature-Key-Id, of
    "v1\\n<METHOD>\\n<path and query>\\n<Idempotency-Key>\\n<X-Signature-Timestamp>\\n"
    "<X-Signature-Nonce>\\n<hex SHA-256 of the raw body>"

A signature is accepted at most once: a unique SignedCallRecord refuses it again until its
timestamp has left the window (then the timestamp check refuses it, and the record is purged).
The caller signs every attempt afresh (a new nonce), so its retries are never replays; the
Idempotency-Key, not the signature, makes a retry safe. An unversioned signature (the old
"<timestamp>.<body>" HMAC) is refused.
"""

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from config.errors import SystemSignatureInvalid, SystemSignatureReplayed
from config.models import SignedCallRecord

SCHEME = "v1"
SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
KEY_ID_HEADER = "X-Signature-Key-Id"
NONCE_HEADER = "X-Signature-Nonce"
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"


def _signature(
    *,
    secret: str,
    method: str,
    path: str,
    idempotency_key: str,
    timestamp: str,
    nonce: str,
    body: bytes,
) -> str:
    signed = "\n".join(
        (
            SCHEME,
            method.upper(),
            path,
            idempotency_key,
            timestamp,
            nonce,
            hashlib.sha256(body).hexdigest(),
        )
    )
    return hmac.new(secret.encode(), signed.encode(), hashlib.sha256).hexdigest()


def system_call_headers(
    *, key_id: str, secret: str, method: str, path: str, idempotency_key: str, body: bytes
) -> dict[str, str]:
    """The headers of one signed attempt (call it again for a retry: a fresh nonce and time).
    path is the URL's path with its query string, as the receiving server sees it."""
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(16)
    signature = _signature(
        secret=secret,
        method=method,
        path=path,
        idempotency_key=idempotency_key,
        timestamp=timestamp,
        nonce=nonce,
        body=body,
    )
    return {
        KEY_ID_HEADER: key_id,
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        IDEMPOTENCY_KEY_HEADER: idempotency_key,
        SIGNATURE_HEADER: f"{SCHEME}={signature}",
    }


def _offered_signature(header: str) -> str | None:
    """This scheme's signature among those the header offers; None for an unversioned one."""
    for offer in header.split(","):
        scheme, separator, value = offer.strip().partition("=")
        if separator and scheme == SCHEME:
            return value
    return None


def system_call_verify(*, request: Request) -> str:
    """The id of the key that signed this request, once; refuses a bad, stale, unversioned or
    already used signature. Costs one INSERT, and only here, on signed routes."""
    headers = request.headers
    key_id = headers.get(KEY_ID_HEADER, "")
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    nonce = headers.get(NONCE_HEADER, "")
    offered = _offered_signature(headers.get(SIGNATURE_HEADER, ""))
    secret = settings.SYSTEM_KEYS.get(key_id)
    if not (secret and timestamp.isascii() and timestamp.isdigit() and nonce and offered):
        raise SystemSignatureInvalid()
    signed_at = int(timestamp)
    if abs(time.time() - signed_at) > settings.SYSTEM_SIGNATURE_MAX_AGE_SECONDS:
        raise SystemSignatureInvalid("The signature timestamp is outside its window.")
    expected = _signature(
        secret=secret,
        method=request.method or "",
        path=request.get_full_path(),
        idempotency_key=headers.get(IDEMPOTENCY_KEY_HEADER, ""),
        timestamp=timestamp,
        nonce=nonce,
        body=request.body,
    )
    if not hmac.compare_digest(expected, offered):
        raise SystemSignatureInvalid()
    expires_at = datetime.fromtimestamp(
        signed_at + settings.SYSTEM_SIGNATURE_MAX_AGE_SECONDS, tz=UTC
    )
    if not _signature_record(key_id=key_id, signature=expected, expires_at=expires_at):
        raise SystemSignatureReplayed()
    return key_id


def _signature_record(*, key_id: str, signature: str, expires_at: datetime) -> bool:
    """Records an accepted signature; False if it was recorded already. ON CONFLICT DO NOTHING
    raises no error, so no savepoint is needed inside a caller's transaction."""
    connection = connections[router.db_for_write(SignedCallRecord)]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO config_signedcallrecord (signature, key_id, expires_at) "
            "VALUES (%s, %s, %s) ON CONFLICT (signature) DO NOTHING RETURNING signature",
            [signature, key_id, connection.ops.adapt_datetimefield_value(expires_at)],
        )
        return cursor.fetchone() is not None


def signed_call_records_purge() -> int:
    """Deletes the records of signatures whose window has passed (the timestamp check refuses
    them now). Returns how many."""
    deleted, _ = SignedCallRecord.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


class SystemCaller:
    """The authenticated "user" of a signed request: which key signed it."""

    is_authenticated = True
    pk = None

    def __init__(self, key_id: str) -> None:
        self.key_id = key_id


class SystemSignatureAuthentication(BaseAuthentication):
    """For routes only our own systems call; they never read a session or any other credential."""

    def authenticate(self, request: Request) -> tuple[SystemCaller, None]:
        return SystemCaller(system_call_verify(request=request)), None

    def authenticate_header(self, request: Request) -> str:
        return "HMAC-SHA256"


def system_caller(request: Request) -> str:
    """The Idempotency-Key space of a signed request: the key that signed it."""
    caller = request.user
    if not isinstance(caller, SystemCaller):
        raise SystemSignatureInvalid()
    return f"system:{caller.key_id}"


class SystemSignatureScheme(OpenApiAuthenticationExtension):
    target_class = SystemSignatureAuthentication
    name = "systemSignature"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": SIGNATURE_HEADER,
            "description": (
                f"'{SCHEME}=<hex HMAC-SHA256>' under the system key named by {KEY_ID_HEADER}, "
                f"of '{SCHEME}\\n<METHOD>\\n<path and query>\\n<{IDEMPOTENCY_KEY_HEADER}>\\n"
                f"<{TIMESTAMP_HEADER}>\\n<{NONCE_HEADER}>\\n<hex SHA-256 of the raw body>'. "
                f"At most {settings.SYSTEM_SIGNATURE_MAX_AGE_SECONDS} s old, accepted once; "
                "unversioned signatures are refused."
            ),
        }
