"""Issuing and revoking public API keys. The plain key is returned once, never stored."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from config.keyed_hash import keyed_hash
from guru.models import ApiKey

KEY_PREFIX = "ais_"
HASH_PURPOSE = "guru_api_key"


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    plain_key: str  # shown to its creator once


@transaction.atomic
def api_key_create(
    *,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    created_by: User | None = None,
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
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    api_key.refresh_from_db()
    return api_key
