"""Admins grant credits to a student: sent to the student side's signed system endpoint, then
audited with the ledger entry it wrote."""

from typing import Any

from django.db import transaction

from guru.models import AdminAuditLog
from guru.services.audit import AuditActor
from guru.shishya_client import wallet_grant_send


def wallet_grant(
    *, actor: AuditActor, student_email: str, credits: int, reason: str, idempotency_key: str
) -> dict[str, Any]:
    # The key is the admin's, scoped to them, so two admins never collide on one.
    granted = wallet_grant_send(
        student_email=student_email,
        credits=credits,
        reason=reason,
        idempotency_key=f"admin-{actor.admin.pk}-{idempotency_key}",
    )
    entry_id = granted["entry"]["id"]
    with transaction.atomic():
        # A retried request replays the same grant: it is audited once.
        if AdminAuditLog.objects.filter(
            entity_type=AdminAuditLog.Entity.WALLET_GRANT, entity_id=entry_id
        ).exists():
            return granted
        AdminAuditLog.objects.create(
            admin=actor.admin,
            action_type=AdminAuditLog.Action.CREATE,
            entity_type=AdminAuditLog.Entity.WALLET_GRANT,
            entity_id=entry_id,
            ip_address=actor.ip_address,
            changes={
                "student_email": {"old": None, "new": student_email},
                "credits": {"old": None, "new": credits},
                "reason": {"old": None, "new": reason},
            },
        )
    return granted
