"""Reads of the admin audit log, with the admin who acted."""

from datetime import datetime

from django.db.models import QuerySet

from guru.models import AdminAuditLog


def audit_log_list(
    *,
    admin_id: int | None = None,
    action_type: str | None = None,
    entity_type: str | None = None,
    entity_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AdminAuditLog]:
    filters = {
        "admin_id": admin_id,
        "action_type": action_type,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "timestamp__gte": since,
        "timestamp__lt": until,
    }
    return AdminAuditLog.objects.select_related("admin").filter(
        **{name: value for name, value in filters.items() if value is not None}
    )
