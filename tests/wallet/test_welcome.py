"""Welcome credits: granted when the email is verified, at Guru's value then, exactly once;
deferred to the next spend while Guru cannot answer; never written by a GET."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.accounts.helpers import Browser, code_in
from tests.factories import StudentFactory
from tests.fakes.guru import platform_settings
from tests.wallet.test_wallet_api import deduct
from wallet.models import LedgerEntry, Wallet

pytestmark = pytest.mark.django_db

EMAIL = "meera@example.com"


def sign_up_and_verify(fake_resend) -> Browser:
    browser = Browser()
    signup = browser.post(
        "/api/auth/signup",
        {"email": EMAIL, "password": "a-long-passphrase-42", "name": "Meera Iyer"},
    )
    assert signup.status_code == 202, signup.content
    verified = browser.post(
        "/api/auth/verify-otp", {"email": EMAIL, "otp": code_in(fake_resend.last_email_to(EMAIL))}
    )
    assert verified.status_code == 200, verified.content
    return browser


def welcome_amounts() -> list[int]:
    return list(LedgerEntry.objects.filter(kind="welcome").values_list("amount", flat=True))


@pytest.mark.django_db(transaction=True)  # the code's email leaves after commit
def test_verifying_the_email_grants_gurus_welcome_credits_of_that_moment(guru, fake_resend):
    guru.documents["/api/public/settings"] = platform_settings(welcome_credits=100)
    browser = sign_up_and_verify(fake_resend)
    assert welcome_amounts() == [100]
    assert Wallet.objects.get(user__email=EMAIL).welcome_settled_at is not None
    assert browser.get("/api/wallet/balance").json() == {"balance": 100}


@pytest.mark.django_db(transaction=True)
def test_guru_down_at_verification_grants_once_at_the_next_spend(guru, fake_resend, settings):
    settings.GURU_FAILURE_HOLD_SECONDS = 0
    guru.version_down = True
    browser = sign_up_and_verify(fake_resend)
    assert welcome_amounts() == []
    guru.version_down = False
    for key in ("spend-0001", "spend-0002"):
        response = browser.post(
            "/api/wallet/deduct",
            {"action": "resume_review", "reference": key},
            HTTP_IDEMPOTENCY_KEY=key,
        )
        assert response.status_code == 200, response.content
    assert welcome_amounts() == [50]
    assert browser.get("/api/wallet/balance").json() == {"balance": 30}


def test_reading_the_balance_or_ledger_writes_nothing(guru, student_client):
    assert student_client.get("/api/wallet/balance").json() == {"balance": 0}
    assert student_client.get("/api/wallet/transactions").json()["results"] == []
    assert not Wallet.objects.exists() and not LedgerEntry.objects.exists()
    assert not [r for r in guru.requests if r.path == "/api/public/settings"]


def test_a_welcome_row_without_the_settled_mark_counts_as_settled(guru, student, student_client):
    """A grant that crashed between its row and its mark (before both were one transaction)
    must not make every later spend a 409 when Guru's value has changed since."""
    wallet = Wallet.objects.create(user=student, balance=50)
    LedgerEntry.objects.create(
        wallet=wallet,
        amount=50,
        balance_after=50,
        kind="welcome",
        reference="welcome",
        idempotency_key="welcome",
    )
    guru.documents["/api/public/settings"] = platform_settings(welcome_credits=70)
    response = deduct(student_client, {"action": "resume_review", "reference": "x"})
    assert response.status_code == 200, response.content
    assert welcome_amounts() == [50]
    wallet.refresh_from_db()
    assert wallet.welcome_settled_at is not None and wallet.balance == 40


def test_backfill_settles_verified_students_never_settled_once(guru, student):
    StudentFactory(email="unverified@example.com", password="a-long-passphrase")
    settled = StudentFactory(email="settled@example.com", verified=True)
    Wallet.objects.create(user=settled, welcome_settled_at=timezone.now())
    call_command("settle_welcome_credits")
    call_command("settle_welcome_credits")
    assert list(
        LedgerEntry.objects.filter(kind="welcome").values_list("wallet__user", "amount")
    ) == [(student.pk, 50)]


def test_backfill_reports_students_left_while_guru_is_down(guru, student, settings):
    from django.core.management.base import CommandError

    guru.version_down = True
    with pytest.raises(CommandError, match="1 student"):
        call_command("settle_welcome_credits")
    assert not LedgerEntry.objects.exists()
