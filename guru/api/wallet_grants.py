"""POST /api/admin/wallet/grant and /reverse: an admin grants credits to a student or takes
them back (audited)."""

import re
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config.errors import IdempotencyKeyRequired
from config.openapi import ErrorSerializer
from config.serializers import StrictSerializer
from guru.admin_base import AdminAPIView
from guru.api.common import parse_body
from guru.services.audit import AuditActor
from guru.services.wallet_grants import wallet_grant, wallet_reverse

_IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9._:-]{8,100}$"
_IDEMPOTENCY_KEY = re.compile(_IDEMPOTENCY_KEY_PATTERN)


class WalletChangeInputSerializer(StrictSerializer):
    student_email = serializers.EmailField()
    credits = serializers.IntegerField(min_value=1, max_value=100_000)
    reason = serializers.CharField(max_length=200)


_SCHEMA: dict[str, Any] = {
    "request": WalletChangeInputSerializer,
    "parameters": [
        OpenApiParameter(
            "Idempotency-Key",
            str,
            OpenApiParameter.HEADER,
            required=True,
            pattern=_IDEMPOTENCY_KEY_PATTERN,
            description="8-100 of letters, digits, . _ : -; a retry changes nothing more.",
        )
    ],
    "responses": {
        200: inline_serializer(
            "WalletChange",
            {
                "entry": inline_serializer(
                    "WalletChangeEntry",
                    {
                        "id": serializers.IntegerField(),
                        "amount": serializers.IntegerField(),
                        "balance_after": serializers.IntegerField(),
                        "kind": serializers.CharField(),
                        "reference": serializers.CharField(),
                        "created_at": serializers.DateTimeField(),
                    },
                ),
                "balance": serializers.IntegerField(),
            },
        ),
        # The student side holds the wallet: it may not answer (nothing is granted then).
        502: ErrorSerializer,
    },
}


class WalletGrantApi(AdminAPIView):
    change = staticmethod(wallet_grant)

    @extend_schema(operation_id="admin_wallet_grant", **_SCHEMA)
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        if not _IDEMPOTENCY_KEY.match(key):
            raise IdempotencyKeyRequired("Send an Idempotency-Key header.")
        fields = parse_body(WalletChangeInputSerializer, request)
        changed = self.change(actor=AuditActor.from_request(request), idempotency_key=key, **fields)
        return Response(changed)


class WalletReverseApi(WalletGrantApi):
    change = staticmethod(wallet_reverse)

    @extend_schema(operation_id="admin_wallet_reverse", **_SCHEMA)
    def post(self, request: Request) -> Response:
        return super().post(request)
