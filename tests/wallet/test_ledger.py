import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from config.errors import IdempotencyKeyReused, InsufficientCredits
from tests.concurrency import lock_timeout, race, row_locked
from tests.factories import StudentFactory
from wallet.models import ImmutableRowError, LedgerEntry, Wallet
from wallet.services import wallet_apply, wallet_get_or_create

DEDUCTION = LedgerEntry.Kind.DEDUCTION
GRANT = LedgerEntry.Kind.ADMIN_GRANT
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and triggers need PostgreSQL"
)


def ledger_sum(wallet: Wallet) -> int:
    return wallet.entries.aggregate(total=Sum("amount"))["total"] or 0


@pytest.mark.django_db
class TestWalletApply:
    def test_credit_then_debit_writes_one_row_each_with_running_balance(self):
        user = StudentFactory()
        wallet_apply(user=user, amount=100, kind=GRANT, reference="r", idempotency_key="k1")
        entry = wallet_apply(
            user=user, amount=-30, kind=DEDUCTION, reference="lab:1", idempotency_key="k2"
        )
        assert entry.balance_after == 70 and entry.amount == -30
        wallet = Wallet.objects.get(user=user)
        assert wallet.balance == 70 == ledger_sum(wallet)

    def test_insufficient_credits_is_402_and_writes_nothing(self):
        user = StudentFactory()
        wallet_apply(user=user, amount=5, kind=GRANT, reference="r", idempotency_key="k1")
        with pytest.raises(InsufficientCredits) as raised:
            wallet_apply(user=user, amount=-6, kind=DEDUCTION, reference="x", idempotency_key="k2")
        assert raised.value.status_code == 402
        assert raised.value.details == {"balance": 5, "required": 6}
        assert Wallet.objects.get(user=user).balance == 5
        assert LedgerEntry.objects.count() == 1

    def test_same_key_applies_once_and_returns_the_first_entry(self):
        user = StudentFactory()
        first = wallet_apply(user=user, amount=10, kind=GRANT, reference="r", idempotency_key="k")
        again = wallet_apply(user=user, amount=10, kind=GRANT, reference="r", idempotency_key="k")
        assert again.pk == first.pk
        assert Wallet.objects.get(user=user).balance == 10

    def test_a_repeat_after_the_balance_ran_out_returns_the_first_entry(self):
        user = StudentFactory()
        wallet_apply(user=user, amount=10, kind=GRANT, reference="r", idempotency_key="k1")
        first = wallet_apply(
            user=user, amount=-10, kind=DEDUCTION, reference="x", idempotency_key="k2"
        )
        again = wallet_apply(
            user=user, amount=-10, kind=DEDUCTION, reference="x", idempotency_key="k2"
        )
        assert again.pk == first.pk
        assert Wallet.objects.get(user=user).balance == 0

    def test_a_refusal_leaves_the_callers_transaction_usable(self):
        user = StudentFactory()
        with transaction.atomic():
            with pytest.raises(InsufficientCredits):
                wallet_apply(
                    user=user, amount=-1, kind=DEDUCTION, reference="x", idempotency_key="k1"
                )
            wallet_apply(user=user, amount=5, kind=GRANT, reference="r", idempotency_key="k2")
        assert (
            Wallet.objects.get(user=user).balance == 5 == ledger_sum(Wallet.objects.get(user=user))
        )

    def test_same_key_with_another_amount_is_refused(self):
        user = StudentFactory()
        wallet_apply(user=user, amount=10, kind=GRANT, reference="r", idempotency_key="k")
        with pytest.raises(IdempotencyKeyReused):
            wallet_apply(user=user, amount=20, kind=GRANT, reference="r", idempotency_key="k")

    def test_keys_are_per_wallet(self):
        alice, bob = StudentFactory(email="a@example.com"), StudentFactory(email="b@example.com")
        wallet_apply(user=alice, amount=10, kind=GRANT, reference="r", idempotency_key="k")
        wallet_apply(user=bob, amount=10, kind=GRANT, reference="r", idempotency_key="k")
        assert Wallet.objects.get(user=bob).balance == 10

    @pytest.mark.parametrize("amount", [0, 1.5, True, "10"])
    def test_amount_must_be_a_non_zero_integer(self, amount):
        with pytest.raises(ValueError):
            wallet_apply(
                user=StudentFactory(), amount=amount, kind=GRANT, reference="r", idempotency_key="k"
            )

    def test_ledger_rows_cannot_be_changed_or_removed_through_the_orm(self):
        user = StudentFactory()
        entry = wallet_apply(user=user, amount=10, kind=GRANT, reference="r", idempotency_key="k")
        entry.amount = 1000
        with pytest.raises(ImmutableRowError):
            entry.save()
        with pytest.raises(ImmutableRowError):
            entry.delete()

    def test_database_refuses_a_negative_balance(self):
        wallet = wallet_get_or_create(user=StudentFactory())
        with pytest.raises(DatabaseError), transaction.atomic():
            Wallet.objects.filter(pk=wallet.pk).update(balance=-1)

    @postgres_only
    def test_database_trigger_refuses_update_and_delete_of_ledger_rows(self):
        user = StudentFactory()
        entry = wallet_apply(user=user, amount=10, kind=GRANT, reference="r", idempotency_key="k")
        with pytest.raises(DatabaseError), transaction.atomic():
            LedgerEntry.objects.filter(pk=entry.pk).update(amount=1000)
        with pytest.raises(DatabaseError), transaction.atomic():
            LedgerEntry.objects.filter(pk=entry.pk).delete()
        assert LedgerEntry.objects.get(pk=entry.pk).amount == 10


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_deducts_of_ten_from_a_hundred_exactly_ten_succeed():
    user = StudentFactory()
    wallet_apply(user=user, amount=100, kind=GRANT, reference="seed", idempotency_key="seed")

    def deduct(n: int) -> str:
        try:
            wallet_apply(
                user=user, amount=-10, kind=DEDUCTION, reference="x", idempotency_key=f"d{n}"
            )
            return "ok"
        except InsufficientCredits:
            return "insufficient"

    outcomes = race(*[lambda n=n: deduct(n) for n in range(50)])
    wallet = Wallet.objects.get(user=user)
    assert outcomes.count("ok") == 10 and outcomes.count("insufficient") == 40
    assert wallet.balance == 0 == ledger_sum(wallet)
    assert wallet.entries.filter(kind=DEDUCTION).count() == 10


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_credits_arriving_between_the_update_and_the_lock_are_counted(monkeypatch):
    """The charge's conditional update finds too little; before it locks the row to say so,
    a grant commits: under the lock the balance is checked again and the charge goes through."""
    user = StudentFactory()
    wallet_apply(user=user, amount=5, kind=GRANT, reference="r", idempotency_key="k0")
    change_balance = Wallet.objects.change_balance

    def then_a_grant_commits(**kwargs):
        changed = change_balance(**kwargs)
        if changed is None:
            race(
                lambda: wallet_apply(
                    user=user, amount=100, kind=GRANT, reference="r", idempotency_key="k1"
                )
            )
        return changed

    monkeypatch.setattr(Wallet.objects, "change_balance", then_a_grant_commits)
    entry = wallet_apply(user=user, amount=-10, kind=DEDUCTION, reference="x", idempotency_key="k2")
    assert entry.balance_after == 95
    wallet = Wallet.objects.get(user=user)
    assert wallet.balance == 95 == ledger_sum(wallet)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_apply_once():
    user = StudentFactory()

    def grant() -> None:
        wallet_apply(user=user, amount=25, kind=GRANT, reference="r", idempotency_key="same")

    race(*[grant] * 10)
    assert Wallet.objects.get(user=user).balance == 25
    assert LedgerEntry.objects.count() == 1


class TestLedgerProperty(HypothesisTestCase):
    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(
        st.lists(
            st.tuples(
                st.integers(min_value=-500, max_value=500).filter(bool), st.sampled_from("abcdefgh")
            ),
            max_size=25,
        )
    )
    def test_balance_always_equals_ledger_sum_and_never_goes_negative(self, changes):
        """Random credits and debits, keys sometimes repeated: a repeat changes nothing."""
        user = StudentFactory()
        wallet_get_or_create(user=user)
        expected, applied = 0, {}
        for amount, key in changes:
            kind = GRANT if amount > 0 else DEDUCTION
            try:
                entry = wallet_apply(
                    user=user, amount=amount, kind=kind, reference="p", idempotency_key=key
                )
                assert entry.amount == amount
                if key not in applied:
                    applied[key] = amount
                    expected += amount
            except InsufficientCredits:
                assert key not in applied and expected + amount < 0
            except IdempotencyKeyReused:
                assert applied[key] != amount
            wallet = Wallet.objects.get(user=user)
            assert wallet.balance == expected == ledger_sum(wallet) >= 0
            assert wallet.entries.count() == len(applied)


@postgres_only
@pytest.mark.django_db
def test_every_connection_waits_for_a_row_lock_at_most_the_configured_time(settings):
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting, unit FROM pg_settings WHERE name = 'lock_timeout'")
        assert cursor.fetchone() == (str(settings.DATABASE_LOCK_TIMEOUT_MS), "ms")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_wallet_locked_longer_than_the_lock_timeout_answers_wallet_busy():
    from wallet.errors import WalletBusy

    user = StudentFactory()
    wallet = wallet_get_or_create(user=user)
    held = Wallet.objects.filter(pk=wallet.pk)
    with row_locked(held), lock_timeout(100), pytest.raises(WalletBusy) as raised:
        wallet_apply(user=user, amount=5, kind=GRANT, reference="r", idempotency_key="k")
    assert raised.value.status_code == 409 and raised.value.headers["Retry-After"] == "1"
    assert LedgerEntry.objects.count() == 0
