"""The beat schedule and the tasks it names: the operators' jobs, each running the function
its management command runs."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app

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
