import hashlib
import json

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.response import Response

from tests.concurrency import race
from tests.factories import StudentFactory
from tests.fakes.guru import platform_settings
from tests.fakes.server import Reply
from tests.wallets import fund
from wallet.api import DeductOutput, charge_output
from wallet.idempotency import IdempotentCall
from wallet.models import IdempotencyRecord, LedgerEntry, Wallet
from wallet.services import wallet_welcome_settle

pytestmark = pytest.mark.django_db


def deduct(client, body: dict, key: str | None = "key-0001", **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        "/api/wallet/deduct", json.dumps(body), content_type="application/json", **headers
    )


class TestBalanceAndWelcome:
    def test_first_spend_grants_guru_welcome_credits_once(self, guru, student_client):
        for key in ("key-0001", "key-0002"):
            response = deduct(
                student_client, {"action": "resume_review", "reference": key}, key=key
            )
            assert response.status_code == 200, response.content
        assert student_client.get("/api/wallet/balance").json() == {"balance": 30}
        assert LedgerEntry.objects.filter(kind="welcome").count() == 1
        settings_reads = [r for r in guru.requests if r.path == "/api/public/settings"]
        assert len(settings_reads) == 1  # settled: Guru is not asked on every spend

    def test_unverified_student_gets_no_welcome_credits(self, guru, client, student):
        student.email_verified_at = None
        student.save()
        client.force_login(student)
        assert client.get("/api/wallet/balance").json() == {"balance": 0}

    def test_balance_needs_a_session(self, client):
        assert client.get("/api/wallet/balance").status_code == 401


class TestDeduct:
    def test_charges_guru_price_not_a_client_amount(self, guru, student_client, student):
        fund(student, 100)
        refused = deduct(
            student_client, {"action": "resume_review", "reference": "cv-1", "amount": 1}
        )
        assert refused.status_code == 400  # a client never names an amount: refused, not ignored
        assert "amount" in refused.json()["error"]["fields"]
        response = deduct(
            student_client, {"action": "resume_review", "reference": "cv-1"}, key="key-priced"
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["entry"]["amount"] == -10 and body["balance"] == 140
        assert body["entry"]["reference"] == "resume_review:cv-1"

    def test_action_not_directly_chargeable_is_refused(self, guru, student_client, student):
        fund(student, 100)
        for action in ("mithra_question", "no_such_action"):
            response = deduct(
                student_client, {"action": action, "reference": "x"}, key=f"key-{action}"
            )
            assert response.status_code == 400
            assert response.json()["error"]["code"] == "action_not_chargeable"

    def test_insufficient_credits_is_402_and_writes_nothing(self, guru, student_client):
        guru.documents["/api/public/settings"] = platform_settings(welcome_credits=5)
        response = deduct(student_client, {"action": "resume_review", "reference": "x"})
        assert response.status_code == 402
        assert response.json()["error"]["code"] == "insufficient_credits"
        assert not LedgerEntry.objects.filter(kind="deduction").exists()
        assert Wallet.objects.get().balance == 5

    def test_stale_price_is_never_charged(self, guru, student_client, student, settings):
        fund(student, 100)
        assert (
            deduct(student_client, {"action": "resume_review", "reference": "a"}).status_code == 200
        )
        settings.GURU_CACHE_TTLS = {**settings.GURU_CACHE_TTLS, "pricing": 0}
        guru.scripted = [Reply(503, {})] * 3
        response = deduct(
            student_client, {"action": "resume_review", "reference": "b"}, key="key-0002"
        )
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "guru_unavailable"
        assert LedgerEntry.objects.filter(kind="deduction").count() == 1

    def test_missing_or_malformed_idempotency_key_is_400(self, guru, student_client):
        for key in (None, "short", "bad key with spaces"):
            response = deduct(
                student_client, {"action": "resume_review", "reference": "x"}, key=key
            )
            assert response.status_code == 400
            assert response.json()["error"]["code"] == "idempotency_key_required"


class TestIdempotency:
    def test_replay_returns_the_stored_response_and_charges_once(
        self, guru, student_client, student
    ):
        fund(student, 100)
        first = deduct(student_client, {"action": "resume_review", "reference": "x"})
        again = deduct(student_client, {"action": "resume_review", "reference": "x"})
        assert again.status_code == first.status_code == 200
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert LedgerEntry.objects.filter(kind="deduction").count() == 1

    def test_same_key_with_another_body_is_422(self, guru, student_client, student):
        fund(student, 100)
        deduct(student_client, {"action": "resume_review", "reference": "x"})
        response = deduct(student_client, {"action": "resume_review", "reference": "y"})
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "idempotency_key_reused"

    def test_retry_while_first_is_running_is_409(self, guru, student_client, student):
        from django.core.cache import cache

        cache.add(f"idempotency:user:{student.pk}:key-0001", 1)  # the first is still running
        response = deduct(student_client, {"action": "resume_review", "reference": "x"})
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_in_flight"
        assert response["Retry-After"] == "1"
        assert not LedgerEntry.objects.filter(kind="deduction").exists()

    def test_a_retry_after_its_marker_expired_is_replayed_or_refused_with_422(
        self, guru, student_client, student
    ):
        from django.core.cache import cache

        fund(student, 100)
        marker = f"idempotency:user:{student.pk}:key-0001"
        first = deduct(student_client, {"action": "resume_review", "reference": "x"})
        cache.delete(marker)  # expired: the retry runs, and its record's key finds it out
        again = deduct(student_client, {"action": "resume_review", "reference": "x"})
        assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
        cache.delete(marker)
        other = deduct(student_client, {"action": "resume_review", "reference": "y"})
        assert other.status_code == 422
        assert LedgerEntry.objects.filter(kind="deduction").count() == 1
        assert Wallet.objects.get(user=student).balance == 140

    def test_keys_are_scoped_to_the_caller(self, guru, student_client, student, django_user_model):
        fund(student, 100)
        other = StudentFactory(email="other@example.com", verified=True)
        fund(other, 100)
        deduct(student_client, {"action": "resume_review", "reference": "x"})
        other_client = Client()
        other_client.force_login(other)
        response = deduct(other_client, {"action": "resume_review", "reference": "x"})
        assert response.status_code == 200 and "Idempotent-Replayed" not in response
        assert LedgerEntry.objects.filter(kind="deduction").count() == 2

    def test_a_402_is_replayed_but_a_503_is_not_stored(
        self, guru, student_client, student, settings
    ):
        guru.documents["/api/public/settings"] = platform_settings(welcome_credits=0)
        assert (
            deduct(student_client, {"action": "resume_review", "reference": "x"}).status_code == 402
        )
        assert (
            deduct(student_client, {"action": "resume_review", "reference": "x"})[
                "Idempotent-Replayed"
            ]
            == "true"
        )
        settings.GURU_CACHE_TTLS = {**settings.GURU_CACHE_TTLS, "pricing": 0}
        guru.scripted = [Reply(503, {})] * 3
        settings.GURU_FAILURE_HOLD_SECONDS = 0
        body = {"action": "resume_review", "reference": "z"}
        assert deduct(student_client, body, key="key-0003").status_code == 503
        assert not IdempotencyRecord.objects.filter(key="key-0003").exists()
        fund(student, 10)
        guru.scripted = []
        assert deduct(student_client, body, key="key-0003").status_code == 200  # not 409


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_charge_once(guru, student):
    fund(student, 100)

    def attempt() -> int:
        client = Client()
        client.force_login(student)
        return deduct(client, {"action": "resume_review", "reference": "x"}).status_code

    statuses = race(*[attempt] * 8)
    assert statuses.count(200) >= 1 and set(statuses) <= {200, 409}
    assert LedgerEntry.objects.filter(kind="deduction").count() == 1
    assert Wallet.objects.get(user=student).balance == 140


class TestTransactions:
    def test_newest_first_filtered_by_kind_and_paginated(self, guru, student_client, student):
        wallet_welcome_settle(user=student)  # the welcome entry comes first
        for n in range(25):
            fund(student, n + 1)
        page = student_client.get("/api/wallet/transactions").json()
        amounts = [row["amount"] for row in page["results"]]
        assert len(amounts) == 20 and amounts[:2] == [25, 24]
        second = student_client.get(page["next"]).json()
        assert len(second["results"]) == 6  # 5 grants + the welcome entry
        welcome = student_client.get("/api/wallet/transactions?kind=welcome").json()
        assert [row["kind"] for row in welcome["results"]] == ["welcome"]

    def test_unknown_kind_is_400(self, guru, student_client):
        response = student_client.get("/api/wallet/transactions?kind=bogus")
        assert response.status_code == 400

    def test_only_own_entries_and_bounded_queries(
        self, guru, student_client, student, django_user_model, django_assert_max_num_queries
    ):
        other = StudentFactory(email="o@example.com", password="a-long-passphrase")
        fund(other, 7)
        for _ in range(30):
            fund(student, 1)
        student_client.get("/api/wallet/balance")
        # session, user, wallet, page of entries (+ savepoint-free reads only)
        with django_assert_max_num_queries(5):
            page = student_client.get("/api/wallet/transactions").json()
        assert all(row["amount"] != 7 for row in page["results"])


@pytest.mark.django_db(transaction=True)
class TestDeductCost:
    """The charge's hot path: what a student's second charge costs the database."""

    def test_a_charge_reads_no_wallet_and_looks_up_no_key_once_welcome_is_settled(
        self, guru, student
    ):
        client = Client()
        client.force_login(student)
        body = {"action": "resume_review", "reference": "x"}
        assert deduct(client, body, key="key-0001").status_code == 200  # settles the welcome
        with CaptureQueriesContext(connection) as queries:
            response = deduct(client, body, key="key-0002")
        assert response.status_code == 200 and response.json()["balance"] == 30
        reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
        assert not [sql for sql in reads if "wallet_" in sql], reads
        assert len(queries.captured_queries) <= 7

    def test_welcome_credits_rolled_back_with_their_transaction_come_later(self, guru, student):
        with pytest.raises(RuntimeError), transaction.atomic():
            wallet_welcome_settle(user=student)
            raise RuntimeError("the caller's transaction failed")
        assert not LedgerEntry.objects.exists()
        wallet_welcome_settle(user=student)
        assert Wallet.objects.get(user=student).balance == 50


@pytest.mark.django_db
def test_the_charge_answers_in_the_documented_shape(student):
    fund(student, 10)
    entry = LedgerEntry.objects.get()
    assert charge_output(entry) == DeductOutput({"entry": entry, "balance": 10}).data


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_refusal_that_loses_the_race_to_store_answers_with_the_stored_response(
    guru, student, monkeypatch
):
    """Another request with the key (its marker expired) stores its answer between this
    refused request's lookup and its own record: the stored answer is returned, not a 500."""
    from wallet import idempotency

    guru.documents["/api/public/settings"] = platform_settings(welcome_credits=0)
    client = Client()
    client.force_login(student)
    body = {"action": "resume_review", "reference": "x"}
    fingerprint = hashlib.sha256(
        b"POST /api/wallet/deduct\n" + json.dumps(body).encode()
    ).hexdigest()
    lookup, looked = idempotency._replay, []

    def another_request_stores_first(**kwargs):
        if looked:
            return lookup(**kwargs)
        looked.append(kwargs)
        race(
            lambda: IdempotencyRecord.objects.store(
                caller=f"user:{student.pk}",
                key="key-0001",
                request_fingerprint=fingerprint,
                status=200,
                body={"stored": "by the other request"},
            )
        )
        return None  # what this request's lookup saw, a moment before

    monkeypatch.setattr(idempotency, "_replay", another_request_stores_first)
    response = deduct(client, body)
    assert response.status_code == 200 and response["Idempotent-Replayed"] == "true"
    assert response.json() == {"stored": "by the other request"}


@pytest.mark.django_db
def test_a_handler_storing_its_own_response_keeps_the_first_and_its_transaction_goes_on():
    # IdempotentCall.store runs inside the tutor's charge: a response already stored under the
    # key stays, and the charge's transaction is neither broken nor needs a savepoint.
    call = IdempotentCall(caller="user:1", key="key-0001", fingerprint="f" * 64)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        call.store(Response({"first": True}))
        call.store(Response({"second": True}))
        IdempotencyRecord.objects.filter(key="key-0001").exists()  # still usable

    assert [q["sql"] for q in queries.captured_queries if "SAVEPOINT" in q["sql"]] == []
    assert IdempotencyRecord.objects.get(key="key-0001").response_body == {"first": True}
