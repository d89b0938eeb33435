from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import StudentFactory
from wallet.models import IdempotencyRecord, LedgerEntry, Wallet
from wallet.services import wallet_apply

pytestmark = pytest.mark.django_db


def test_check_wallets_passes_when_balances_match(capsys):
    user = StudentFactory(email="a@example.com")
    wallet_apply(
        user=user, amount=9, kind=LedgerEntry.Kind.ADMIN_GRANT, reference="r", idempotency_key="k"
    )
    call_command("check_wallets")
    assert "All wallets match" in capsys.readouterr().out


def test_check_wallets_reports_a_mismatch_and_fails(capsys):
    user = StudentFactory(email="a@example.com")
    wallet_apply(
        user=user, amount=9, kind=LedgerEntry.Kind.ADMIN_GRANT, reference="r", idempotency_key="k"
    )
    Wallet.objects.filter(user=user).update(balance=12)  # tampering outside the services
    with pytest.raises(CommandError):
        call_command("check_wallets")
    assert "balance 12, ledger sum 9" in capsys.readouterr().out


def test_purge_removes_only_records_older_than_a_day():
    now = timezone.now()
    for key, age in (("old-key-1", timedelta(hours=25)), ("new-key-1", timedelta(hours=1))):
        IdempotencyRecord.objects.create(
            caller="user:1", key=key, request_fingerprint="f", response_status=200
        )
        IdempotencyRecord.objects.filter(key=key).update(created_at=now - age)
    call_command("purge_idempotency_records")
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new-key-1"]
