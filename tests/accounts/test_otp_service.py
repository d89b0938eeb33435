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
from accounts.services import (
    otp_challenge_create,
    otp_challenge_send,
    otp_challenges_purge,
    otp_verify,
)
from tests.accounts.helpers import code_in

pytestmark = pytest.mark.django_db
SIGNUP = OtpChallenge.Purpose.SIGNUP
RESET = OtpChallenge.Purpose.PASSWORD_RESET


@pytest.fixture
def user():
    return get_user_model().objects.create_user("student@example.com", "a-long-passphrase")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def allow_new_challenge(user) -> None:
    """Moves the user's challenges back past the resend cooldown."""
    OtpChallenge.objects.filter(user=user).update(created_at=F("created_at") - timedelta(minutes=2))


def test_code_is_six_digits_and_stored_only_as_keyed_hash(user):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    assert len(issued.code) == 6 and issued.code.isdigit()
    stored = OtpChallenge.objects.get(pk=issued.challenge.pk)
    assert issued.code not in stored.code_hash
    assert stored.code_hash.startswith("1$") and len(stored.code_hash) == 66
    assert stored.expires_at - stored.created_at == timedelta(minutes=5)


def test_right_code_verifies_once(user):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    verified = otp_verify(user=user, purpose=SIGNUP, code=issued.code)
    assert verified.pk == issued.challenge.pk and verified.consumed_at is not None
    with pytest.raises(OtpUsed):
        otp_verify(user=user, purpose=SIGNUP, code=issued.code)


def test_wrong_code_is_refused_and_counted(user):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    with pytest.raises(OtpIncorrect) as raised:
        otp_verify(user=user, purpose=SIGNUP, code=wrong(issued.code))
    assert raised.value.details == {"attempts_left": 2}
    assert OtpChallenge.objects.get(pk=issued.challenge.pk).failed_attempts == 1


def test_third_wrong_try_kills_challenge_and_fourth_right_try_fails(user):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    for _ in range(2):
        with pytest.raises(OtpIncorrect):
            otp_verify(user=user, purpose=SIGNUP, code=wrong(issued.code))
    with pytest.raises(OtpAttemptsExceeded):
        otp_verify(user=user, purpose=SIGNUP, code=wrong(issued.code))
    with pytest.raises(OtpAttemptsExceeded):
        otp_verify(user=user, purpose=SIGNUP, code=issued.code)


def test_expired_code_is_refused(user):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    OtpChallenge.objects.filter(pk=issued.challenge.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(OtpExpired):
        otp_verify(user=user, purpose=SIGNUP, code=issued.code)


def test_code_for_another_purpose_is_refused(user):
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    with pytest.raises(OtpInvalid):
        otp_verify(user=user, purpose=RESET, code=issued.code)
    with pytest.raises(OtpInvalid):
        otp_verify(user=user, purpose=RESET, code=issued.code, challenge_id=issued.challenge.pk)
    # Still usable for its own purpose.
    otp_verify(user=user, purpose=SIGNUP, code=issued.code)


def test_challenge_is_bound_to_its_user(user):
    other = get_user_model().objects.create_user("other@example.com", "a-long-passphrase")
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    with pytest.raises(OtpInvalid):
        otp_verify(user=other, purpose=SIGNUP, code=issued.code, challenge_id=issued.challenge.pk)


def test_code_is_bound_to_its_challenge(user):
    first = otp_challenge_create(user=user, purpose=SIGNUP)
    second = otp_challenge_create(user=user, purpose=RESET)
    with pytest.raises((OtpIncorrect, OtpInvalid)):
        otp_verify(user=user, purpose=RESET, code=first.code, challenge_id=second.challenge.pk)


def test_a_new_challenge_meets_no_cooldown_kept_per_account(user):
    # A cooldown per account is state a stranger can spend; resends wait per browser.
    first = otp_challenge_create(user=user, purpose=SIGNUP)
    second = otp_challenge_create(user=user, purpose=SIGNUP)
    assert first.challenge.pk != second.challenge.pk


@pytest.fixture
def send(fake_resend, django_capture_on_commit_callbacks):
    def send(user, purpose=SIGNUP):
        with django_capture_on_commit_callbacks(execute=True):
            challenge = otp_challenge_send(
                user=user, purpose=purpose, subject="Your code", template="emails/otp_code.txt"
            )
        fake_resend.settle()
        return challenge

    return send


def test_a_new_code_supersedes_the_old_one(user, send, fake_resend):
    old = send(user)
    old_code = code_in(fake_resend.last_email_to(user.email))
    new = send(user)
    new_code = code_in(fake_resend.last_email_to(user.email))
    with pytest.raises(OtpSuperseded):
        otp_verify(user=user, purpose=SIGNUP, code=old_code, challenge_id=old.pk)
    assert otp_verify(user=user, purpose=SIGNUP, code=new_code).pk == new.pk


def test_the_code_leaves_after_commit_not_inside_the_caller(
    user, fake_resend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        otp_challenge_send(
            user=user, purpose=SIGNUP, subject="Your code", template="emails/otp_code.txt"
        )
    fake_resend.settle()
    assert fake_resend.emails == [] and len(callbacks) == 1


def test_creating_a_challenge_revokes_nothing_until_it_is_delivered(user):
    old = otp_challenge_create(user=user, purpose=SIGNUP)
    allow_new_challenge(user)
    otp_challenge_create(user=user, purpose=SIGNUP)
    otp_verify(user=user, purpose=SIGNUP, code=old.code, challenge_id=old.challenge.pk)


# Transactional: the outbox thread deletes the challenge on a connection of its own.
@pytest.mark.django_db(transaction=True)
def test_a_failed_email_removes_its_challenge(user, send, fake_resend):
    fake_resend.fail_next(500)
    send(user)
    assert not OtpChallenge.objects.exists()


def test_the_daily_cap_skips_the_send_silently(user, send, fake_resend, settings):
    settings.OTP_DAILY_FAILURE_CAP = 1
    issued = otp_challenge_create(user=user, purpose=SIGNUP)
    with pytest.raises(OtpIncorrect):
        otp_verify(user=user, purpose=SIGNUP, code=wrong(issued.code))
    assert send(user) is None
    assert fake_resend.emails == []


def test_daily_failure_cap_blocks_new_challenges_and_verification(user, settings):
    settings.OTP_DAILY_FAILURE_CAP = 4
    for _ in range(2):
        issued = otp_challenge_create(user=user, purpose=SIGNUP)
        for _ in range(2):
            with pytest.raises(OtpIncorrect):
                otp_verify(user=user, purpose=SIGNUP, code=wrong(issued.code))
        allow_new_challenge(user)
    with pytest.raises(OtpDailyLimit) as raised:
        otp_challenge_create(user=user, purpose=SIGNUP)
    assert raised.value.retry_after > 3600
    with pytest.raises(OtpDailyLimit):
        otp_verify(user=user, purpose=SIGNUP, code=issued.code)
    # Counted per purpose: wrong signup codes do not hold up a password reset.
    reset = otp_challenge_create(user=user, purpose=RESET)
    otp_verify(user=user, purpose=RESET, code=reset.code)


def test_send_emails_the_code_from_the_template(user, send, fake_resend):
    challenge = send(user)
    message = fake_resend.last_email_to(user.email)
    assert message["subject"] == "Your code"
    assert "valid for 5 minutes" in message["text"]
    assert otp_verify(user=user, purpose=SIGNUP, code=code_in(message)).pk == challenge.pk


def test_purge_deletes_only_old_expired_challenges(user):
    old = otp_challenge_create(user=user, purpose=SIGNUP)
    long_ago = timezone.now() - timedelta(days=2)
    OtpChallenge.objects.filter(pk=old.challenge.pk).update(
        created_at=long_ago, expires_at=long_ago + timedelta(minutes=5)
    )
    fresh = otp_challenge_create(user=user, purpose=RESET)
    assert otp_challenges_purge() == (1, 0)
    assert list(OtpChallenge.objects.values_list("pk", flat=True)) == [fresh.challenge.pk]


def test_purge_deletes_students_who_never_verified_and_have_no_recent_code(user):
    User = get_user_model()
    long_ago = timezone.now() - timedelta(days=2)
    abandoned = User.objects.create_user("gone@example.com", None, date_joined=long_ago)
    otp_challenge_create(user=abandoned, purpose=SIGNUP)
    OtpChallenge.objects.filter(user=abandoned).update(
        created_at=long_ago, expires_at=long_ago + timedelta(minutes=5)
    )
    waiting = User.objects.create_user("waiting@example.com", None, date_joined=long_ago)
    otp_challenge_create(user=waiting, purpose=SIGNUP)  # a code from today: still live
    new = User.objects.create_user("new@example.com", None)
    admin = User.objects.create_superuser("admin@example.com", None, date_joined=long_ago)
    User.objects.filter(pk=user.pk).update(date_joined=long_ago, email_verified_at=long_ago)

    call_command("purge_otp_challenges", stdout=StringIO())

    remaining = set(User.objects.values_list("email", flat=True))
    assert remaining == {user.email, waiting.email, new.email, admin.email}
