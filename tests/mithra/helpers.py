"""Shared steps of the tutor tests: what the SPA sends, and what the ledger says."""

import json
import uuid
from typing import Any

from django.db.models import Sum

from wallet.models import LedgerEntry


def ask(client, body: dict[str, Any], key: str | None = None, **headers: str):
    headers["HTTP_IDEMPOTENCY_KEY"] = key or f"ask-{uuid.uuid4()}"
    return client.post(
        "/api/mithra/ask", json.dumps(body), content_type="application/json", **headers
    )


def charged(user) -> int:
    """Credits the tutor took from the student."""
    return -(
        LedgerEntry.objects.filter(
            wallet__user=user, kind=LedgerEntry.Kind.DEDUCTION, reference__startswith="tutor_"
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
