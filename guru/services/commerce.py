"""Writes to the platform settings (one row), audited (guru.services.audit). Prices, packs,
plans and vouchers have no rule beyond their models': guru.services.entities.audited_create,
audited_update and audited_delete write them."""

from collections.abc import Mapping
from typing import Any

from guru.models import PlatformSettings
from guru.selectors.commerce import platform_settings_get
from guru.services.audit import AuditActor, admin_write
from guru.services.entities import entity_update

Fields = Mapping[str, Any]


def platform_settings_update(*, actor: AuditActor, fields: Fields) -> PlatformSettings:
    with admin_write(actor):
        return entity_update(actor=actor, instance=platform_settings_get(), fields=fields)
