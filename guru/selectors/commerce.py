"""Reads of what things cost (action prices, credit packs, plans, vouchers) and of the
platform settings."""

from django.db.models import QuerySet

from guru.models import ActionPrice, CreditPack, Plan, PlatformSettings, Voucher
from guru.selectors.rows import row_get


def action_price_list() -> QuerySet[ActionPrice]:
    return ActionPrice.objects.all()


def action_price_get(*, price_id: int) -> ActionPrice:
    return row_get(ActionPrice.objects.all(), price_id)


def credit_pack_list() -> QuerySet[CreditPack]:
    return CreditPack.objects.all()


def credit_pack_get(*, pack_id: int) -> CreditPack:
    return row_get(CreditPack.objects.all(), pack_id)


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.all()


def plan_get(*, plan_id: int) -> Plan:
    return row_get(Plan.objects.all(), plan_id)


def voucher_list() -> QuerySet[Voucher]:
    return Voucher.objects.all()


def voucher_get(*, voucher_id: int) -> Voucher:
    return row_get(Voucher.objects.all(), voucher_id)


def platform_settings_get() -> PlatformSettings:
    # The row is created with its defaults by migration; a flushed database gets it back here.
    settings, _ = PlatformSettings.objects.get_or_create(pk=PlatformSettings.SINGLETON_ID)
    return settings
