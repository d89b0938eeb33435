"""Requests from our own systems (Guru's admin grants) to the wallet, signed with HMAC-SHA256.

The signature covers "<timestamp>.<raw body>" under a shared system key; two keys may be
live at once (SYSTEM_KEYS, "id:secret,id:secret") so they can be rotated without downtime.
A student session never reaches these endpoints: they do not read the session at all.
"""

import hmac
import time

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from config.errors import NotAuthenticated
from config.system_signature import (
    KEY_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    system_signature,
)


class SystemSignatureInvalid(NotAuthenticated):
    code = "system_signature_invalid"
    message = "Missing, stale or invalid system signature."


class SystemCaller:
    """The authenticated "user" of a system request: which key signed it."""

    is_authenticated = True
    pk = None

    def __init__(self, key_id: str) -> None:
        self.key_id = key_id


class SystemSignatureAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[SystemCaller, None]:
        key_id = request.headers.get(KEY_ID_HEADER, "")
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        signature = request.headers.get(SIGNATURE_HEADER, "")
        secret = settings.SYSTEM_KEYS.get(key_id)
        if not (secret and timestamp.isdigit() and signature):
            raise SystemSignatureInvalid()
        if abs(time.time() - int(timestamp)) > settings.SYSTEM_SIGNATURE_MAX_AGE_SECONDS:
            raise SystemSignatureInvalid("The signature timestamp is too old.")
        expected = system_signature(secret=secret, timestamp=timestamp, body=request.body)
        if not hmac.compare_digest(expected, signature):
            raise SystemSignatureInvalid()
        return SystemCaller(key_id), None

    def authenticate_header(self, request: Request) -> str:
        return "HMAC-SHA256"


def system_caller(request: Request) -> str:
    return f"system:{request.user.key_id}"


class SystemSignatureScheme(OpenApiAuthenticationExtension):
    target_class = SystemSignatureAuthentication
    name = "systemSignature"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": SIGNATURE_HEADER,
            "description": (
                f"hex HMAC-SHA256 of '<{TIMESTAMP_HEADER}>.<raw body>' under the system key "
                f"named by {KEY_ID_HEADER}; at most "
                f"{settings.SYSTEM_SIGNATURE_MAX_AGE_SECONDS} s old."
            ),
        }
