import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.concurrency import race
from tests.factories import StudentFactory
from wallet.models import LedgerEntry, VoucherRedemption, Wallet

pytestmark = pytest.mark.django_db


def voucher(code="WELCOME10", credits=10, max_redemptions=100, **fields):
    now = timezone.now()
    return {
        "code": code,
        "credits": credits,
        "valid_from": (now - timedelta(days=1)).isoformat(),
        "valid_until": (now + timedelta(days=1)).isoformat(),
        "max_redemptions": max_redemptions,
        "active": True,
        **fields,
    }


def redeem(client, code: str):
    return client.post(
        "/api/wallet/voucher/redeem", json.dumps({"code": code}), content_type="application/json"
    )


@pytest.fixture
def offered(guru):
    guru.documents["/api/public/vouchers/WELCOME10"] = voucher()
    return guru


def test_redeem_credits_the_wallet_once(offered, student_client):
    response = redeem(student_client, "welcome10")
    assert response.status_code == 200, response.content
    assert response.json() == {"code": "WELCOME10", "credits": 10, "balance": 60}
    again = redeem(student_client, "WELCOME10")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "voucher_already_redeemed"
    assert LedgerEntry.objects.filter(kind="voucher").count() == 1


def test_unknown_code_is_404(guru, student_client):
    response = redeem(student_client, "NOPE123")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "voucher_not_found"


@pytest.mark.parametrize(
    "change",
    [
        {"valid_until": (timezone.now() - timedelta(minutes=1)).isoformat()},
        {"valid_from": (timezone.now() + timedelta(days=1)).isoformat()},
        {"active": False},
    ],
)
def test_voucher_outside_its_window_is_refused(guru, student_client, change):
    guru.documents["/api/public/vouchers/WELCOME10"] = voucher(**change)
    response = redeem(student_client, "WELCOME10")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "voucher_expired"
    assert not VoucherRedemption.objects.exists()


def test_exhausted_voucher_is_refused(guru, student_client):
    guru.documents["/api/public/vouchers/WELCOME10"] = voucher(max_redemptions=0)
    response = redeem(student_client, "WELCOME10")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "voucher_exhausted"


def test_guessing_codes_is_rate_limited_per_student(guru, student_client):
    statuses = [redeem(student_client, f"GUESS{n:03d}").status_code for n in range(11)]
    assert statuses[:10] == [404] * 10
    assert statuses[10] == 429
    limited = redeem(student_client, "GUESS999")
    assert limited.json()["error"]["code"] == "rate_limited" and int(limited["Retry-After"]) >= 1


def test_guessing_codes_is_rate_limited_per_network(guru, settings):
    settings.VOUCHER_UNKNOWN_RATE_PER_SOURCE = "3/h"
    students = [
        StudentFactory(email=f"g{n}@example.com", password="a-long-passphrase") for n in range(4)
    ]
    statuses = []
    for n, student in enumerate(students):
        client = Client(REMOTE_ADDR="2001:db8:5:6::" + str(n + 1))
        client.force_login(student)
        statuses.append(redeem(client, f"GUESS{n:03d}").status_code)
    assert statuses == [404, 404, 404, 429]


def test_a_classroom_redeeming_a_real_code_meets_no_limit(offered):
    for n in range(40):
        client = Client(REMOTE_ADDR="203.0.113.7")
        client.force_login(StudentFactory(email=f"c{n}@example.com"))
        assert redeem(client, "WELCOME10").status_code == 200


def test_an_unknown_code_is_asked_of_guru_once_for_a_while(guru, student_client):
    for _ in range(3):
        assert redeem(student_client, "NOPE123").status_code == 404
    asked = [r for r in guru.requests if r.path == "/api/public/vouchers/NOPE123"]
    assert len(asked) == 1


def test_a_code_created_after_a_miss_is_redeemable_once_guru_moves_on(
    guru, student_client, settings
):
    settings.GURU_VERSION_MAX_AGE_SECONDS = 0  # every read confirms Guru's version
    assert redeem(student_client, "LATE10").status_code == 404
    guru.documents["/api/public/vouchers/LATE10"] = voucher(code="LATE10")
    guru.version += 1  # the admin's write bumps it
    assert redeem(student_client, "LATE10").status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_exceed_max(guru):
    guru.documents["/api/public/vouchers/LIMITED"] = voucher(code="LIMITED", max_redemptions=5)
    students = [
        StudentFactory(email=f"s{n}@example.com", password="a-long-passphrase") for n in range(12)
    ]

    def attempt(student) -> int:
        client = Client()
        client.force_login(student)
        return redeem(client, "LIMITED").status_code

    statuses = race(*[lambda s=s: attempt(s) for s in students])
    assert statuses.count(200) == 5 and statuses.count(409) == 7
    assert VoucherRedemption.objects.count() == 5
    assert sum(Wallet.objects.values_list("balance", flat=True)) == 50
