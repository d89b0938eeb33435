"""Admins grant credits to a student or take them back: sent to the student side's signed
system endpoints, then audited with the ledger entry they wrote."""

from typing import Any

from django.db import transaction

from guru.models import AdminAuditLog
from guru.services.audit import AuditActor
from guru.shishya_client import wallet_change_send

_ENTITIES = {
    "add": AdminAuditLog.Entity.WALLET_GRANT,
    "reverse": AdminAuditLog.Entity.WALLET_REVERSAL,
}


def wallet_grant(
    *, actor: AuditActor, student_email: str, credits: int, reason: str, idempotency_key: str
) -> dict[str, Any]:
    return _wallet_change(
        actor=actor,
        operation="add",
        student_email=student_email,
        credits=credits,
        reason=reason,
        idempotency_key=idempotency_key,
    )


def wallet_reverse(
    *, actor: AuditActor, student_email: str, credits: int, reason: str, idempotency_key: str
) -> dict[str, Any]:
    return _wallet_change(
        actor=actor,
        operation="reverse",
        student_email=student_email,
        credits=credits,
        reason=reason,
        idempotency_key=idempotency_key,
    )


def _wallet_change(
    *,
    actor: AuditActor,
    operation: str,
    student_email: str,
    credits: int,
    reason: str,
    idempotency_key: str,
) -> dict[str, Any]:
    # The key is the admin's, scoped to them, so two admins never collide on one.
    granted = wallet_change_send(
        operation=operation,
        student_email=student_email,
        credits=credits,
        reason=reason,
        idempotency_key=f"admin-{actor.admin.pk}-{idempotency_key}",
    )
    entry_id = granted["entry"]["id"]
    with transaction.atomic():
        # A retried request replays the same change: it is audited once.
        if AdminAuditLog.objects.filter(
            entity_type=_ENTITIES[operation], entity_id=entry_id
        ).exists():
            return granted
        AdminAuditLog.objects.create(
            admin=actor.admin,
            action_type=AdminAuditLog.Action.CREATE,
            entity_type=_ENTITIES[operation],
            entity_id=entry_id,
            ip_address=actor.ip_address,
            changes={
                "student_email": {"old": None, "new": student_email},
                "credits": {"old": None, "new": credits},
                "reason": {"old": None, "new": reason},
            },
        )
    return granted
