"""Voucher redemption: Guru says what a code is worth and how often it may be used; the
student side counts redemptions and credits the wallet, exactly once per student."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from config.errors import VoucherNotFound
from config.keyed_hash import keyed_hash
from shishya import guru_reads
from shishya.errors import GuruNotFound
from wallet.errors import VoucherAlreadyRedeemed, VoucherExhausted, VoucherExpired
from wallet.models import LedgerEntry, VoucherRedemption, VoucherUsage
from wallet.services import wallet_apply


def _unknown_code_key(code: str) -> str:
    return "voucher-unknown:" + keyed_hash(code, purpose="voucher-unknown")


def voucher_redeem(*, user: User, code: str) -> VoucherRedemption:
    code = code.strip().upper()
    # A code Guru just said it does not know is not asked about again for a few seconds,
    # while Guru's content version stays the one it was refused under (an admin creating the
    # code moves the version): guessing costs Guru's key quota (shared by every student)
    # nothing more.
    version = guru_reads.content_version()
    refused_under = cache.get(_unknown_code_key(code))
    if version is not None and refused_under == version:
        raise VoucherNotFound()
    try:
        voucher = guru_reads.voucher(code)
    except GuruNotFound:
        if version is not None:
            cache.set(
                _unknown_code_key(code), version, timeout=settings.VOUCHER_NOT_FOUND_CACHE_SECONDS
            )
        raise VoucherNotFound() from None
    now = timezone.now()
    if not voucher.active or not voucher.valid_from <= now < voucher.valid_until:
        raise VoucherExpired()

    with transaction.atomic():
        VoucherUsage.objects.get_or_create(code=code)
        # The counter row serialises redemptions of one code; the wallet lock comes after it,
        # always in this order.
        usage = VoucherUsage.objects.select_for_update().get(code=code)
        if VoucherRedemption.objects.filter(user=user, code=code).exists():
            raise VoucherAlreadyRedeemed()
        if usage.redemptions >= voucher.max_redemptions:
            raise VoucherExhausted()
        entry = wallet_apply(
            user=user,
            amount=voucher.credits,
            kind=LedgerEntry.Kind.VOUCHER,
            reference=f"voucher:{code}",
            idempotency_key=f"voucher:{code}",
        )
        VoucherUsage.objects.filter(code=code).update(redemptions=F("redemptions") + 1)
        return VoucherRedemption.objects.create(
            user=user, code=code, credits=entry.amount, ledger_entry=entry
        )
