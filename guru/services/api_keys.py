"""Issuing and revoking public API keys. The plain key is returned once, never stored; an
admin's issue or revoke is audited like any other Guru write."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from config.keyed_hash import keyed_hash
from guru.models import AdminAuditLog, ApiKey
from guru.services.audit import (
    AuditActor,
    admin_write,
    audit_changes,
    audit_record,
    audit_snapshot,
)

KEY_PREFIX = "ais_"
HASH_PURPOSE = "guru_api_key"


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    plain_key: str  # shown to its creator once


def _create(
    *, name: str, scopes: list[str], expires_at: datetime | None, created_by: User | None
) -> IssuedApiKey:
    unknown = set(scopes) - set(ApiKey.Scope.values)
    if unknown or not scopes:
        raise ValueError(f"scopes must be a non-empty subset of {ApiKey.Scope.values}")
    plain_key = KEY_PREFIX + secrets.token_hex(32)
    api_key = ApiKey.objects.create(
        name=name,
        prefix=plain_key[: len(KEY_PREFIX) + 8],
        key_hash=keyed_hash(plain_key, purpose=HASH_PURPOSE),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
        created_by=created_by,
    )
    return IssuedApiKey(api_key=api_key, plain_key=plain_key)


@transaction.atomic
def api_key_create(
    *, name: str, scopes: list[str], expires_at: datetime | None = None
) -> IssuedApiKey:
    """For operators (management commands): not tied to an admin, so not audited."""
    return _create(name=name, scopes=scopes, expires_at=expires_at, created_by=None)


def api_key_issue(
    *, actor: AuditActor, name: str, scopes: list[str], expires_at: datetime | None = None
) -> IssuedApiKey:
    with admin_write(actor):
        issued = _create(name=name, scopes=scopes, expires_at=expires_at, created_by=actor.admin)
        audit_record(
            actor=actor,
            action=AdminAuditLog.Action.CREATE,
            instance=issued.api_key,
            changes=audit_changes({}, audit_snapshot(issued.api_key)),
        )
        return issued


def api_key_revoke(*, actor: AuditActor, api_key: ApiKey) -> ApiKey:
    with admin_write(actor):
        locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if locked.revoked_at is None:
            before = audit_snapshot(locked)
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at", "updated_at"])
            audit_record(
                actor=actor,
                action=AdminAuditLog.Action.UPDATE,
                instance=locked,
                changes=audit_changes(before, audit_snapshot(locked)),
            )
        return locked
