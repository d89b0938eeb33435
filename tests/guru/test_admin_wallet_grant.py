"""An admin's credit grant travels over HTTP to the student side's signed endpoint."""

import pytest

from guru.models import AdminAuditLog
from wallet.models import LedgerEntry, Wallet

pytestmark = pytest.mark.django_db


def grant(api, key="grant-0001", **body):
    payload = {"student_email": "asha@example.com", "credits": 40, "reason": "prize"}
    return api.post(
        "/api/admin/wallet/grant", {**payload, **body}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_grant_credits_the_student_once_and_is_audited(api, admin, student, shishya_in_process):
    response = grant(api)
    assert response.status_code == 200, response.content
    assert response.json()["balance"] == 40
    assert grant(api).json() == response.json()  # the retry replays the same grant
    assert Wallet.objects.get(user=student).balance == 40
    entry = LedgerEntry.objects.get()
    assert entry.kind == "admin_grant" and entry.reference == "prize"
    (audit,) = AdminAuditLog.objects.filter(entity_type="WALLET_GRANT")
    assert audit.admin_id == admin.pk and audit.entity_id == entry.pk
    assert audit.changes["credits"]["new"] == 40


def test_refusals_from_the_student_side_come_back_with_their_codes(api, shishya_in_process):
    response = grant(api, student_email="nobody@example.com")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "student_not_found"
    assert not AdminAuditLog.objects.filter(entity_type="WALLET_GRANT").exists()


def test_wrong_system_key_is_a_clear_503(api, student, shishya_in_process, settings):
    settings.GURU_SYSTEM_KEY = "not-the-shared-secret"
    response = grant(api)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "grants_unavailable"
    assert not LedgerEntry.objects.exists()


def test_student_side_down_is_502_and_grants_nothing(api, student, settings):
    settings.SHISHYA_BASE_URL = "http://127.0.0.1:9"
    response = grant(api)
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "shishya_unavailable"


def test_idempotency_key_is_required(api, student, shishya_in_process):
    response = api.post(
        "/api/admin/wallet/grant",
        {"student_email": "asha@example.com", "credits": 5, "reason": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"


def test_reversal_takes_credits_back_and_is_audited(api, admin, student, shishya_in_process):
    grant(api)
    response = api.post(
        "/api/admin/wallet/reverse",
        {"student_email": "asha@example.com", "credits": 15, "reason": "refund error"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="reverse-0001",
    )
    assert response.status_code == 200, response.content
    assert response.json()["balance"] == 25
    reversal = LedgerEntry.objects.get(kind="reversal")
    assert reversal.amount == -15
    (audit,) = AdminAuditLog.objects.filter(entity_type="WALLET_REVERSAL")
    assert audit.admin_id == admin.pk and audit.entity_id == reversal.pk


def test_reversal_beyond_the_balance_is_refused_with_its_code(api, student, shishya_in_process):
    response = api.post(
        "/api/admin/wallet/reverse",
        {"student_email": "asha@example.com", "credits": 5, "reason": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="reverse-0002",
    )
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_credits"
    assert not AdminAuditLog.objects.filter(entity_type="WALLET_REVERSAL").exists()
