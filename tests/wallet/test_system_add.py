import json
import time
from unittest import mock

import pytest
from django.test import Client

from config.system_signature import system_call_headers
from tests.factories import AdminFactory, StudentFactory
from tests.system_calls import as_meta
from wallet.models import LedgerEntry, Wallet

pytestmark = pytest.mark.django_db
KEYS = {"guru-2026a": "first-system-secret", "guru-2026b": "second-system-secret"}


@pytest.fixture(autouse=True)
def system_keys(settings):
    settings.SYSTEM_KEYS = KEYS
    settings.WALLET_SYSTEM_DAILY_CAP = 1000


@pytest.fixture
def recipient():
    return StudentFactory(email="kid@example.com", password="a-long-passphrase")


def signed(path, body, *, key_id="guru-2026a", skew=0, key="grant-0001", tamper=None):
    raw = json.dumps(body).encode()
    # The signer's clock, off by skew seconds, read when the request is sent.
    with mock.patch("time.time", return_value=time.time() + skew):
        headers = system_call_headers(
            key_id=key_id,
            secret=KEYS.get(key_id, "x"),
            method="POST",
            path=path,
            idempotency_key=key,
            body=raw,
        )
    if tamper:
        raw = tamper(raw)
    return Client().post(path, raw, content_type="application/json", **as_meta(headers))


def signed_add(body, **kwargs):
    return signed("/api/wallet/add", body, **kwargs)


def grant(credits=100, email="kid@example.com"):
    return {"student_email": email, "credits": credits, "reason": "scholarship"}


def test_signed_grant_credits_the_student_once(recipient):
    response = signed_add(grant())
    assert response.status_code == 200, response.content
    assert response.json()["balance"] == 100
    assert signed_add(grant())["Idempotent-Replayed"] == "true"
    assert Wallet.objects.get(user=recipient).balance == 100
    assert LedgerEntry.objects.get().kind == "admin_grant"


def test_both_live_keys_are_accepted(recipient):
    assert signed_add(grant(), key_id="guru-2026b").status_code == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {"key_id": "retired-key"},
        {"skew": -310},
        {"skew": 310},
        {"tamper": lambda raw: raw.replace(b"100", b"900")},
    ],
)
def test_unsigned_stale_or_tampered_requests_are_401(recipient, kwargs):
    response = signed_add(grant(), **kwargs)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "system_signature_invalid"
    assert not LedgerEntry.objects.exists()


def test_a_student_session_never_reaches_it(recipient):
    client = Client()
    client.force_login(recipient)
    response = client.post(
        "/api/wallet/add",
        json.dumps(grant()),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="grant-0001",
    )
    assert response.status_code == 401
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("credits", [0, -5, 1.5, "10", 10.0, True, 100_001])
def test_bad_amounts_are_refused(recipient, credits):
    response = signed_add(grant(credits=credits))
    assert response.status_code == 400
    assert "credits" in response.json()["error"]["fields"]


def test_daily_cap_per_student(recipient):
    assert signed_add(grant(credits=600), key="grant-0001").status_code == 200
    response = signed_add(grant(credits=500), key="grant-0002")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "daily_cap_exceeded"
    assert Wallet.objects.get(user=recipient).balance == 600


def test_unknown_or_admin_email_is_404(recipient, django_user_model):
    AdminFactory(email="boss@example.com", password="a-long-passphrase")
    for n, email in enumerate(("nobody@example.com", "boss@example.com")):
        response = signed_add(grant(email=email), key=f"grant-000{n}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "student_not_found"


def signed_reverse(body, *, key="reverse-0001"):
    return signed("/api/wallet/reverse", body, key=key)


def test_signed_reversal_takes_credits_back_once_as_a_new_row(recipient):
    signed_add(grant(credits=100))
    response = signed_reverse(grant(credits=30))
    assert response.status_code == 200, response.content
    assert response.json()["entry"]["kind"] == "reversal"
    assert signed_reverse(grant(credits=30))["Idempotent-Replayed"] == "true"
    assert Wallet.objects.get(user=recipient).balance == 70
    assert list(LedgerEntry.objects.order_by("id").values_list("amount", flat=True)) == [100, -30]


def test_reversal_never_takes_the_balance_below_zero(recipient):
    signed_add(grant(credits=10))
    response = signed_reverse(grant(credits=11))
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_credits"
    assert Wallet.objects.get(user=recipient).balance == 10


def test_reversal_needs_the_signature(recipient):
    client = Client()
    client.force_login(recipient)
    response = client.post(
        "/api/wallet/reverse",
        json.dumps(grant(credits=1)),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="reverse-0002",
    )
    assert response.status_code == 401
