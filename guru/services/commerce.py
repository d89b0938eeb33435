"""Writes to what things cost (action prices, credit packs, plans, vouchers) and to the
platform settings. Every write is audited (guru.services.audit)."""

from collections.abc import Mapping
from typing import Any

from guru.models import ActionPrice, CreditPack, Plan, PlatformSettings, Voucher
from guru.selectors import platform_settings_get
from guru.services.audit import AuditActor, admin_write
from guru.services.entities import entity_create, entity_delete, entity_update

Fields = Mapping[str, Any]


def action_price_create(*, actor: AuditActor, fields: Fields) -> ActionPrice:
    with admin_write(actor):
        return entity_create(actor=actor, instance=ActionPrice(**fields))


def action_price_update(*, actor: AuditActor, price: ActionPrice, fields: Fields) -> ActionPrice:
    with admin_write(actor):
        return entity_update(actor=actor, instance=price, fields=fields)


def action_price_delete(*, actor: AuditActor, price: ActionPrice) -> None:
    with admin_write(actor):
        entity_delete(actor=actor, instance=price)


def credit_pack_create(*, actor: AuditActor, fields: Fields) -> CreditPack:
    with admin_write(actor):
        return entity_create(actor=actor, instance=CreditPack(**fields))


def credit_pack_update(*, actor: AuditActor, pack: CreditPack, fields: Fields) -> CreditPack:
    with admin_write(actor):
        return entity_update(actor=actor, instance=pack, fields=fields)


def credit_pack_delete(*, actor: AuditActor, pack: CreditPack) -> None:
    with admin_write(actor):
        entity_delete(actor=actor, instance=pack)


def plan_create(*, actor: AuditActor, fields: Fields) -> Plan:
    with admin_write(actor):
        return entity_create(actor=actor, instance=Plan(**fields))


def plan_update(*, actor: AuditActor, plan: Plan, fields: Fields) -> Plan:
    with admin_write(actor):
        return entity_update(actor=actor, instance=plan, fields=fields)


def plan_delete(*, actor: AuditActor, plan: Plan) -> None:
    with admin_write(actor):
        entity_delete(actor=actor, instance=plan)


def voucher_create(*, actor: AuditActor, fields: Fields) -> Voucher:
    with admin_write(actor):
        return entity_create(actor=actor, instance=Voucher(**fields))


def voucher_update(*, actor: AuditActor, voucher: Voucher, fields: Fields) -> Voucher:
    with admin_write(actor):
        return entity_update(actor=actor, instance=voucher, fields=fields)


def voucher_delete(*, actor: AuditActor, voucher: Voucher) -> None:
    with admin_write(actor):
        entity_delete(actor=actor, instance=voucher)


def platform_settings_update(*, actor: AuditActor, fields: Fields) -> PlatformSettings:
    with admin_write(actor):
        return entity_update(actor=actor, instance=platform_settings_get(), fields=fields)
