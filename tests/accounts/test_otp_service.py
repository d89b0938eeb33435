from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from accounts.errors import (
    OtpAttemptsExceeded,
    OtpDailyLimit,
    OtpExpired,
    OtpIncorrect,
    OtpInvalid,
    OtpSuperseded,
    OtpUsed,
)
from accounts.models import OtpChallenge
from accounts.otp.services import (
    otp_challenge_create,
    otp_challenge_send,
    otp_challenges_purge,
    otp_verify,
)
from tests.accounts.helpers import code_in, code_of_challenge, stored_texts
from tests.factories import AdminFactory, StudentFactory

pytestmark = pytest.mark.django_db
SIGNUP = OtpChallenge.Purpose.SIGNUP
RESET = OtpChallenge.Purpose.PASSWORD_RESET
ADMIN = OtpChallenge.Purpose.ADMIN_LOGIN


@pytest.fixture
def user():
    return StudentFactory(email="student@example.com", password="a-long-passphrase")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def allow_new_challenge(user) -> None:
    """Moves the user's challenges back past the resend cooldown."""
    OtpChallenge.objects.filter(user=user).update(created_at=F("created_at") - timedelta(minutes=2))


def test_code_is_six_digits_derived_from_the_challenge_and_stored_nowhere(user, settings):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    code = code_of_challenge(issued)
    assert len(code) == 6 and code.isdigit()
    stored = OtpChallenge.objects.filter(pk=issued.pk).values().get()
    assert stored["code_key_version"] == "1"
    assert not any(code in text for text in stored_texts(stored))
    assert stored["expires_at"] - stored["created_at"] == timedelta(minutes=5)
    # Derived under the dedicated key: another key gives another code.
    settings.OTP_CODE_KEYS = "1:another-key"
    assert code_of_challenge(issued) != code


def test_a_retired_code_key_refuses_its_codes(user, settings):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    code = code_of_challenge(issued)
    # A rotation: new challenges use version 2, open ones still verify under version 1.
    settings.OTP_CODE_KEYS = "2:the-new-key,1:development-only-otp-code-key"
    otp_verify(user=user, purpose=SIGNUP, code=code)
    allow_new_challenge(user)
    newer = otp_challenge_create(user=user, purpose=SIGNUP)
    assert newer.code_key_version == "2"
    newer_code = code_of_challenge(newer)
    settings.OTP_CODE_KEYS = "3:yet-another-key"
    with pytest.raises(OtpIncorrect):
        otp_verify(user=user, purpose=SIGNUP, code=newer_code)


def test_right_code_verifies_once(user):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    verified = otp_verify(user=user, purpose=SIGNUP, code=code_of_challenge(issued))
    assert verified.pk == issued.pk and verified.consumed_at is not None
    with pytest.raises(OtpUsed):
        otp_verify(user=user, purpose=SIGNUP, code=code_of_challenge(issued))


def test_wrong_code_is_refused_and_counted(user):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    with pytest.raises(OtpIncorrect) as raised:
        otp_verify(user=user, purpose=SIGNUP, code=wrong(code_of_challenge(issued)))
    assert raised.value.details == {"attempts_left": 2}
    assert OtpChallenge.objects.get(pk=issued.pk).failed_attempts == 1


def test_third_wrong_try_kills_challenge_and_fourth_right_try_fails(user):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    for _ in range(2):
        with pytest.raises(OtpIncorrect):
            otp_verify(user=user, purpose=SIGNUP, code=wrong(code_of_challenge(issued)))
    with pytest.raises(OtpAttemptsExceeded):
        otp_verify(user=user, purpose=SIGNUP, code=wrong(code_of_challenge(issued)))
    with pytest.raises(OtpAttemptsExceeded):
        otp_verify(user=user, purpose=SIGNUP, code=code_of_challenge(issued))


def test_expired_code_is_refused(user):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    OtpChallenge.objects.filter(pk=issued.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(OtpExpired):
        otp_verify(user=user, purpose=SIGNUP, code=code_of_challenge(issued))


def test_code_for_another_purpose_is_refused(user):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    with pytest.raises(OtpInvalid):
        otp_verify(user=user, purpose=RESET, code=code_of_challenge(issued))
    with pytest.raises(OtpInvalid):
        otp_verify(user=user, purpose=RESET, code=code_of_challenge(issued), challenge_id=issued.pk)
    # Still usable for its own purpose.
    otp_verify(user=user, purpose=SIGNUP, code=code_of_challenge(issued))


def test_challenge_is_bound_to_its_user(user):
    other = StudentFactory(email="other@example.com", password="a-long-passphrase")
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    with pytest.raises(OtpInvalid):
        otp_verify(
            user=other, purpose=SIGNUP, code=code_of_challenge(issued), challenge_id=issued.pk
        )


def test_code_is_bound_to_its_challenge(user):
    first = otp_challenge_create(user=user, purpose=SIGNUP)
    second = otp_challenge_create(user=user, purpose=RESET)
    with pytest.raises((OtpIncorrect, OtpInvalid)):
        otp_verify(user=user, purpose=RESET, code=code_of_challenge(first), challenge_id=second.pk)


def test_a_new_challenge_meets_no_cooldown_kept_per_account(user):
    # A cooldown per account is state a stranger can spend; resends wait per browser.
    first = otp_challenge_create(user=user, purpose=SIGNUP)
    second = otp_challenge_create(user=user, purpose=SIGNUP)
    assert first.pk != second.pk


def send(user, purpose=SIGNUP):
    return otp_challenge_send(
        user=user, purpose=purpose, subject="Your code", template="emails/otp_code.txt"
    )


@pytest.mark.django_db(transaction=True)
def test_a_delivered_admin_code_supersedes_the_old_one(user, fake_resend):
    old = send(user, ADMIN)
    allow_new_challenge(user)
    new = send(user, ADMIN)
    old_code, new_code = (code_in(email) for email in fake_resend.emails)
    assert OtpChallenge.objects.get(pk=new.pk).delivered_at is not None
    with pytest.raises(OtpSuperseded):
        otp_verify(user=user, purpose=ADMIN, code=old_code, challenge_id=old.pk)
    assert otp_verify(user=user, purpose=ADMIN, code=new_code).pk == new.pk


@pytest.mark.django_db(transaction=True)
def test_an_admin_code_not_yet_delivered_supersedes_nothing(user, fake_resend, hold_tasks):
    old = send(user, ADMIN)
    old_code = code_in(fake_resend.last_email_to(user.email))
    allow_new_challenge(user)
    release = hold_tasks()  # the worker is busy: the new email waits
    send(user, ADMIN)
    assert otp_verify(user=user, purpose=ADMIN, code=old_code, challenge_id=old.pk).pk == old.pk
    release()


def test_creating_a_challenge_revokes_nothing_until_it_is_delivered(user):
    old = otp_challenge_create(user=user, purpose=SIGNUP)
    allow_new_challenge(user)
    otp_challenge_create(user=user, purpose=SIGNUP)
    otp_verify(user=user, purpose=SIGNUP, code=code_of_challenge(old), challenge_id=old.pk)


@pytest.mark.django_db(transaction=True)
def test_a_refused_email_keeps_the_previous_code_working(user, fake_resend):
    old = send(user)
    old_code = code_in(fake_resend.last_email_to(user.email))
    allow_new_challenge(user)
    fake_resend.fail_next(422, "validation_error")
    send(user)  # never raises: the email leaves after commit
    assert len(fake_resend.emails) == 2
    assert list(OtpChallenge.objects.values_list("pk", flat=True)) == [old.pk]
    assert otp_verify(user=user, purpose=SIGNUP, code=old_code, challenge_id=old.pk).pk == old.pk


def test_daily_failure_cap_blocks_new_challenges_and_verification(user, settings):
    settings.OTP_DAILY_FAILURE_CAP = 4
    for _ in range(2):
        issued = otp_challenge_create(user=user, purpose=SIGNUP)
        for _ in range(2):
            with pytest.raises(OtpIncorrect):
                otp_verify(user=user, purpose=SIGNUP, code=wrong(code_of_challenge(issued)))
        allow_new_challenge(user)
    with pytest.raises(OtpDailyLimit) as raised:
        otp_challenge_create(user=user, purpose=SIGNUP)
    assert raised.value.retry_after > 3600
    with pytest.raises(OtpDailyLimit):
        otp_verify(user=user, purpose=SIGNUP, code=code_of_challenge(issued))
    # Counted per purpose: wrong signup codes do not hold up a password reset.
    reset = otp_challenge_create(user=user, purpose=RESET)
    otp_verify(user=user, purpose=RESET, code=code_of_challenge(reset))


@pytest.mark.django_db(transaction=True)
def test_the_daily_cap_skips_the_send_silently(user, fake_resend, settings):
    settings.OTP_DAILY_FAILURE_CAP = 1
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    with pytest.raises(OtpIncorrect):
        otp_verify(user=user, purpose=SIGNUP, code=wrong(code_of_challenge(issued)))
    assert send(user) is None
    fake_resend.settle()
    assert fake_resend.emails == []


@pytest.mark.django_db(transaction=True)
def test_send_emails_the_code_from_the_template(user, fake_resend):
    challenge = send(user)
    (email,) = fake_resend.emails
    assert email["to"] == ["student@example.com"] and email["subject"] == "Your code"
    assert "valid for 5 minutes" in email["text"]
    assert otp_verify(user=user, purpose=SIGNUP, code=code_in(email)).pk == challenge.pk


def test_purge_deletes_only_old_expired_challenges(user):
    old = otp_challenge_create(user=user, purpose=SIGNUP)
    long_ago = timezone.now() - timedelta(days=2)
    OtpChallenge.objects.filter(pk=old.pk).update(
        created_at=long_ago, expires_at=long_ago + timedelta(minutes=5)
    )
    fresh = otp_challenge_create(user=user, purpose=RESET)
    assert otp_challenges_purge() == (1, 0)
    assert list(OtpChallenge.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_purge_deletes_students_who_never_verified_and_have_no_recent_code(user):
    User = get_user_model()
    long_ago = timezone.now() - timedelta(days=2)
    abandoned = StudentFactory(email="gone@example.com", password=None, date_joined=long_ago)
    otp_challenge_create(user=abandoned, purpose=SIGNUP)
    OtpChallenge.objects.filter(user=abandoned).update(
        created_at=long_ago, expires_at=long_ago + timedelta(minutes=5)
    )
    waiting = StudentFactory(email="waiting@example.com", password=None, date_joined=long_ago)
    otp_challenge_create(user=waiting, purpose=SIGNUP)  # a code from today: still live
    new = StudentFactory(email="new@example.com", password=None)
    admin = AdminFactory(email="admin@example.com", password=None, date_joined=long_ago)
    User.objects.filter(pk=user.pk).update(date_joined=long_ago, email_verified_at=long_ago)

    call_command("purge_otp_challenges", stdout=StringIO())

    remaining = set(User.objects.values_list("email", flat=True))
    assert remaining == {user.email, waiting.email, new.email, admin.email}
