"""Voucher redemption: Guru says what a code is worth and how often it may be used; the
student side counts redemptions and credits the wallet, exactly once per student."""

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from config.keyed_hash import keyed_hash
from shishya.errors import GuruNotFound
from shishya.guru_client import guru_client
from wallet.errors import VoucherAlreadyRedeemed, VoucherExhausted, VoucherExpired, VoucherNotFound
from wallet.models import LedgerEntry, VoucherRedemption, VoucherUsage
from wallet.services import wallet_apply


def _instant(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _unknown_code_key(code: str) -> str:
    return "voucher-unknown:" + keyed_hash(code, purpose="voucher-unknown")


def voucher_redeem(*, user: User, code: str) -> VoucherRedemption:
    code = code.strip().upper()
    # A code Guru just said it does not know is not asked about again for a few seconds:
    # guessing costs Guru's key quota (shared by every student) nothing more.
    if cache.get(_unknown_code_key(code)) is not None:
        raise VoucherNotFound()
    try:
        voucher = guru_client().voucher(code, require_fresh=True)
    except GuruNotFound:
        cache.set(_unknown_code_key(code), 1, timeout=settings.VOUCHER_NOT_FOUND_CACHE_SECONDS)
        raise VoucherNotFound() from None
    now = timezone.now()
    starts, ends = _instant(voucher.get("valid_from")), _instant(voucher.get("valid_until"))
    if not voucher.get("active", True) or (starts and now < starts) or (ends and now >= ends):
        raise VoucherExpired()
    max_redemptions = voucher.get("max_redemptions")

    with transaction.atomic():
        VoucherUsage.objects.get_or_create(code=code)
        # The counter row serialises redemptions of one code; the wallet lock comes after it,
        # always in this order.
        usage = VoucherUsage.objects.select_for_update().get(code=code)
        if VoucherRedemption.objects.filter(user=user, code=code).exists():
            raise VoucherAlreadyRedeemed()
        if max_redemptions is not None and usage.redemptions >= int(max_redemptions):
            raise VoucherExhausted()
        entry = wallet_apply(
            user=user,
            amount=int(voucher["credits"]),
            kind=LedgerEntry.Kind.VOUCHER,
            reference=f"voucher:{code}",
            idempotency_key=f"voucher:{code}",
        )
        VoucherUsage.objects.filter(code=code).update(redemptions=F("redemptions") + 1)
        return VoucherRedemption.objects.create(
            user=user, code=code, credits=entry.amount, ledger_entry=entry
        )
