"""The email outbox, tasks run in process (no broker): what is sent, when it is not, and
beat's requeue."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.email import (
    email_outbox_deliver,
    email_outbox_purge,
    email_outbox_requeue,
    email_send_after_commit,
)
from accounts.models import OtpChallenge, OutboxEmail
from accounts.otp.services import otp_challenge_send
from tests.accounts.helpers import code_of_challenge, stored_texts
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db(transaction=True)
ADMIN = OtpChallenge.Purpose.ADMIN_LOGIN


@pytest.fixture
def user():
    return StudentFactory(email="asha@example.com")


def send_code(user) -> OtpChallenge:
    return otp_challenge_send(
        user=user, purpose=ADMIN, subject="Code", template="emails/admin_login_otp.txt"
    )


def test_a_code_email_is_recorded_without_its_code_and_sent_with_it(user, fake_resend):
    challenge = send_code(user)
    fake_resend.settle()
    email = OutboxEmail.objects.get()
    code = code_of_challenge(challenge)
    stored = OutboxEmail.objects.filter(pk=email.pk).values().get()
    assert not any(code in text for text in stored_texts(stored))
    assert email.status == "sent" and email.expires_at == challenge.expires_at
    assert f"Code is: {code}\n" in fake_resend.last_email_to(user.email)["text"]
    assert fake_resend.requests[0].headers["idempotency-key"] == str(email.pk)


def test_a_rolled_back_transaction_records_and_sends_nothing(user, fake_resend):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_code(user)
        raise RuntimeError("the login fails after the code was issued")
    assert not OutboxEmail.objects.exists() and not fake_resend.emails


def test_a_code_email_is_never_sent_after_its_code_expires(user, fake_resend, hold_tasks):
    release = hold_tasks()
    challenge = send_code(user)
    OtpChallenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    OutboxEmail.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    release()
    assert not fake_resend.emails
    assert OutboxEmail.objects.get().status == "expired"
    # Nothing was delivered: the challenge goes and holds no cooldown.
    assert not OtpChallenge.objects.exists()


def test_a_sent_email_is_not_sent_again(user, fake_resend):
    send_code(user)
    fake_resend.settle()
    email = OutboxEmail.objects.get()
    assert email_outbox_deliver(email_id=str(email.pk)) == "not_pending"
    assert len(fake_resend.emails) == 1


def test_an_email_another_worker_holds_is_left_to_it(user, fake_resend, hold_tasks):
    release = hold_tasks()
    email = email_send_after_commit(
        to=user.email, subject="Hello", template="emails/account_exists.txt"
    )
    OutboxEmail.objects.update(claimed_until=timezone.now() + timedelta(minutes=1))
    assert email_outbox_deliver(email_id=str(email.pk)) == "not_pending"
    assert email_outbox_requeue() == 0
    release()
    assert not fake_resend.emails


def test_beat_requeues_what_a_lost_message_or_a_dead_worker_left(user, fake_resend):
    email = OutboxEmail.objects.create(
        to=user.email,
        subject="Hello",
        template="emails/account_exists.txt",
        created_at=timezone.now() - timedelta(minutes=5),  # its task never came
    )
    young = OutboxEmail.objects.create(to=user.email, subject="Hi", template=email.template)
    assert email_outbox_requeue() == 1
    assert fake_resend.deliveries == 1
    assert OutboxEmail.objects.get(pk=email.pk).status == "sent"
    assert OutboxEmail.objects.get(pk=young.pk).status == "pending"


def test_an_email_too_old_for_the_idempotency_window_is_given_up(user, fake_resend, settings):
    email = OutboxEmail.objects.create(
        to=user.email,
        subject="Hello",
        template="emails/account_exists.txt",
        created_at=timezone.now() - timedelta(seconds=settings.EMAIL_OUTBOX_MAX_AGE_SECONDS + 1),
    )
    assert email_outbox_deliver(email_id=str(email.pk)) == "failed"
    assert not fake_resend.emails


def test_an_outage_longer_than_the_retries_is_left_to_beat_and_delivered_once(
    user, fake_resend, settings
):
    for _ in range(settings.EMAIL_SEND_MAX_RETRIES + 1):
        fake_resend.fail_next(503)
    challenge = send_code(user)
    assert len(fake_resend.emails) == settings.EMAIL_SEND_MAX_RETRIES + 1
    assert fake_resend.deliveries == 0
    email = OutboxEmail.objects.get()
    assert email.status == "pending" and email.claimed_until is None
    assert OtpChallenge.objects.filter(pk=challenge.pk).exists()  # still deliverable
    OutboxEmail.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    with transaction.atomic():  # beat's run: the provider answers again
        assert email_outbox_requeue() == 1
    fake_resend.settle()
    assert fake_resend.deliveries == 1
    assert OutboxEmail.objects.get().status == "sent"


def test_settled_emails_are_purged_after_a_week(user):
    old = timezone.now() - timedelta(days=8)
    for status in ("sent", "expired", "failed", "pending"):
        OutboxEmail.objects.create(
            to=user.email, subject="x", template="t", status=status, created_at=old
        )
    assert email_outbox_purge() == 3
    assert list(OutboxEmail.objects.values_list("status", flat=True)) == ["pending"]
