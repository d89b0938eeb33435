"""Writing admin audit rows: who, from where, and what changed, in the write's transaction."""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from auditlog.context import set_actor
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest

from accounts.models import User
from config.client_ip import client_ip
from guru.models import (
    ActionPrice,
    AdminAuditLog,
    ApiKey,
    CertificateRule,
    Course,
    CreditPack,
    Lab,
    Lesson,
    Module,
    Plan,
    PlatformSettings,
    Project,
    Question,
    Test,
    Voucher,
)
from guru.permissions import admin_of
from guru.services.version import content_version_bump

ENTITY_TYPES: dict[type[models.Model], str] = {
    Course: AdminAuditLog.Entity.COURSE,
    Module: AdminAuditLog.Entity.MODULE,
    Lesson: AdminAuditLog.Entity.LESSON,
    Lab: AdminAuditLog.Entity.LAB,
    Test: AdminAuditLog.Entity.TEST,
    Question: AdminAuditLog.Entity.QUESTION,
    Project: AdminAuditLog.Entity.PROJECT,
    CertificateRule: AdminAuditLog.Entity.CERTIFICATE,
    ActionPrice: AdminAuditLog.Entity.PRICING,
    CreditPack: AdminAuditLog.Entity.CREDIT_PACK,
    Plan: AdminAuditLog.Entity.PLAN,
    Voucher: AdminAuditLog.Entity.VOUCHER,
    PlatformSettings: AdminAuditLog.Entity.SETTINGS,
    ApiKey: AdminAuditLog.Entity.API_KEY,
}

# Bookkeeping the database sets, which an admin never changes, and a key's hash, which
# stays out of every log.
_UNAUDITED_FIELDS = frozenset({"created_at", "updated_at", "key_hash"})


@dataclass(frozen=True)
class AuditActor:
    """The admin behind a write and the address the request came from."""

    admin: User
    ip_address: str | None

    @classmethod
    def from_request(cls, request: HttpRequest) -> "AuditActor":
        return cls(admin=admin_of(request), ip_address=client_ip(request) or None)


@contextmanager
def admin_write(actor: AuditActor) -> Iterator[None]:
    """One transaction for a write and its audit rows; django-auditlog's history rows get
    the admin as actor (its middleware only sees session users, not JWT admins).

    Open it once per service call: auditlog's set_actor does not nest. Every write bumps
    Guru's content version in the same transaction (content_version_bump), so the student
    side sees it committed together with the change.
    """
    with transaction.atomic(), set_actor(actor.admin, remote_addr=actor.ip_address):
        yield
        content_version_bump()


def audit_snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's audited values as JSON (foreign keys and many-to-many as ids)."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if not field.primary_key and field.name not in _UNAUDITED_FIELDS:
            values[field.attname] = field.value_from_object(instance)
    for field in instance._meta.many_to_many:
        related = getattr(instance, field.name) if instance.pk else None
        values[field.name] = sorted(related.values_list("pk", flat=True)) if related else []
    snapshot: dict[str, Any] = json.loads(json.dumps(values, cls=DjangoJSONEncoder))
    return snapshot


def audit_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Field name -> {"old", "new"} for every value that differs (a missing side is None)."""
    return {
        name: {"old": before.get(name), "new": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def audit_record(
    *,
    actor: AuditActor,
    action: str,
    instance: models.Model,
    changes: Mapping[str, Any],
) -> AdminAuditLog:
    return AdminAuditLog.objects.create(
        admin=actor.admin,
        action_type=action,
        entity_type=ENTITY_TYPES[type(instance)],
        entity_id=instance.pk,
        ip_address=actor.ip_address,
        changes=dict(changes),
    )
