"""The beat schedule and the tasks it names: the operators' jobs, each running the function
its management command runs."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app
from config.models import SignedCallRecord

JOBS = {
    "accounts.email_outbox_requeue",
    "accounts.email_outbox_purge",
    "accounts.otp_challenges_purge",
    "accounts.sessions_clear_expired",
    "wallet.idempotency_records_purge",
    "wallet.wallets_check",
    "payments.payments_reconcile",
}


def test_beat_runs_every_job_and_each_names_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled == JOBS
    assert scheduled <= set(app.tasks)


@pytest.mark.django_db
def test_the_session_job_clears_expired_sessions():
    app.loader.import_default_modules()
    expired = SessionStore()
    expired.create()
    Session.objects.filter(pk=expired.session_key).update(expire_date=timezone.now())
    live = SessionStore()
    live.create()
    app.tasks["accounts.sessions_clear_expired"].apply(throw=True)
    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]


@pytest.mark.django_db
def test_the_wallet_job_counts_mismatches():
    app.loader.import_default_modules()
    assert app.tasks["wallet.wallets_check"].apply(throw=True).get() == 0


@pytest.mark.django_db
def test_the_hourly_purge_also_deletes_expired_signed_call_records():
    app.loader.import_default_modules()
    now = timezone.now()
    SignedCallRecord.objects.create(signature="a" * 64, key_id="guru-1", expires_at=now)
    live = SignedCallRecord.objects.create(
        signature="b" * 64, key_id="guru-1", expires_at=now + timedelta(minutes=5)
    )
    assert app.tasks["wallet.idempotency_records_purge"].apply(throw=True).get() == [0, 1]
    assert list(SignedCallRecord.objects.values_list("pk", flat=True)) == [live.pk]
