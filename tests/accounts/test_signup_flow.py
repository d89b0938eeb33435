"""Signup, email verification, login and logout, end to end through the fake Resend."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from accounts.models import OtpChallenge, OutboxEmail, UserSession
from tests.accounts.helpers import PASSWORD, Browser, allow_new_code, code_in, log_in

# Transactional: codes are emailed once the signup's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()


def sign_up(browser: Browser, email: str, password: str = PASSWORD, name: str = "Ravi"):
    return browser.post("/api/auth/signup", {"email": email, "password": password, "name": name})


def verify(browser: Browser, email: str, otp: str):
    return browser.post("/api/auth/verify-otp", {"email": email, "otp": otp})


def test_signup_email_verify_me_logout_and_the_old_cookie_is_rejected(browser, fake_resend):
    response = sign_up(browser, "Ravi@Example.com")
    assert response.status_code == 202
    user = User.objects.get(email="ravi@example.com")
    assert user.email_verified_at is None and not user.has_usable_password()

    email = fake_resend.last_email_to("ravi@example.com")
    assert email["subject"] == "Verify your OurShiksha email"
    response = verify(browser, "ravi@example.com", code_in(email))
    assert response.status_code == 200
    assert response.json()["email"] == "ravi@example.com"
    user.refresh_from_db()
    assert user.email_verified_at is not None and user.check_password(PASSWORD)

    me = browser.get("/api/auth/me")
    assert me.status_code == 200 and me.json()["name"] == "Ravi"
    old_key = browser.session_key
    assert UserSession.objects.filter(user=user, session_id=old_key).exists()

    assert browser.post("/api/auth/logout").status_code == 204
    assert browser.get("/api/auth/me").status_code == 401
    assert not Session.objects.filter(session_key=old_key).exists()
    assert not UserSession.objects.filter(user=user).exists()

    replay = Browser()
    replay.client.cookies["sessionid"] = old_key
    response = replay.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_strangers_earlier_signup_cannot_plant_a_password(fake_resend):
    stranger, owner = Browser(), Browser()
    assert sign_up(stranger, "meera@example.com", "strangers-secret-99").status_code == 202
    strangers_code = code_in(fake_resend.last_email_to("meera@example.com"))
    allow_new_code("meera@example.com")

    assert sign_up(owner, "meera@example.com", "owners-own-phrase-7").status_code == 202
    owners_code = code_in(fake_resend.last_email_to("meera@example.com"))
    # The first email's code (the stranger's signup) is not the one this browser asked for.
    response = verify(owner, "meera@example.com", strangers_code)
    assert response.json()["error"]["code"] == "otp_incorrect"
    assert verify(owner, "meera@example.com", owners_code).status_code == 200
    # Once the owner has verified, the stranger's signup can never complete.
    late = verify(stranger, "meera@example.com", strangers_code)
    assert late.json()["error"]["code"] == "otp_superseded"

    refused = Browser().post(
        "/api/auth/login", {"email": "meera@example.com", "password": "strangers-secret-99"}
    )
    assert refused.status_code == 401
    log_in(Browser(), "meera@example.com", "owners-own-phrase-7")
    assert not OtpChallenge.objects.exclude(pending_password="").exists()


def test_a_later_strangers_signup_cannot_take_the_account_over(fake_resend):
    owner, stranger = Browser(), Browser()
    sign_up(owner, "isha@example.com", "owners-own-phrase-7", name="Isha")
    owners_code = code_in(fake_resend.last_email_to("isha@example.com"))
    allow_new_code("isha@example.com")
    sign_up(stranger, "isha@example.com", "strangers-secret-99", name="Mallory")
    newest_code = code_in(fake_resend.last_email_to("isha@example.com"))

    # The owner types the newest code in their inbox: it is the stranger's, so it is wrong here.
    if newest_code != owners_code:  # one in a million they match
        wrong = verify(owner, "isha@example.com", newest_code)
        assert wrong.json()["error"]["code"] == "otp_incorrect"
    response = verify(owner, "isha@example.com", owners_code)
    assert response.status_code == 200 and response.json()["name"] == "Isha"

    user = User.objects.get(email="isha@example.com")
    assert user.check_password("owners-own-phrase-7") and user.name == "Isha"
    assert not user.check_password("strangers-secret-99")
    late = verify(stranger, "isha@example.com", newest_code)
    assert late.status_code == 400 and late.json()["error"]["code"] == "otp_superseded"


def test_signup_leaves_the_name_alone_until_the_code_is_verified(student, fake_resend):
    name = student.name
    User.objects.filter(pk=student.pk).update(email_verified_at=None)
    sign_up(Browser(), "asha@example.com", "strangers-secret-99", name="Mallory")
    student.refresh_from_db()
    assert student.name == name != "Mallory"


def test_a_strangers_resend_sends_nothing_and_never_the_owners_password(fake_resend):
    owner, stranger = Browser(), Browser()
    sign_up(owner, "neel@example.com", "owners-own-phrase-7")
    owners_code = code_in(fake_resend.last_email_to("neel@example.com"))
    allow_new_code("neel@example.com")

    # A browser that started no signup gets the same answer, and nothing is sent.
    assert stranger.post("/api/auth/resend-otp", {"email": "neel@example.com"}).status_code == 202
    assert len(fake_resend.emails) == 1
    # A stranger who signed up too gets a new code for their own signup only.
    allow_new_code("neel@example.com")
    sign_up(stranger, "neel@example.com", "strangers-secret-99")
    allow_new_code("neel@example.com", stranger)
    assert stranger.post("/api/auth/resend-otp", {"email": "neel@example.com"}).status_code == 202
    resent = OtpChallenge.objects.order_by("-created_at").first()
    assert check_password("strangers-secret-99", resent.pending_password)

    assert verify(owner, "neel@example.com", owners_code).status_code == 200
    log_in(Browser(), "neel@example.com", "owners-own-phrase-7")


def test_the_right_code_from_another_browser_is_refused_and_costs_the_owner_nothing(
    fake_resend,
):
    owner = Browser()
    sign_up(owner, "gita@example.com")
    code = code_in(fake_resend.last_email_to("gita@example.com"))
    response = verify(Browser(), "gita@example.com", code)
    assert response.status_code == 400 and response.json()["error"]["code"] == "otp_invalid"
    assert OtpChallenge.objects.get().failed_attempts == 0
    assert verify(owner, "gita@example.com", code).status_code == 200


def test_resent_code_carries_the_latest_signups_password(browser, fake_resend):
    sign_up(browser, "kiran@example.com", "kirans-first-choice")
    allow_new_code("kiran@example.com", browser)
    sign_up(browser, "kiran@example.com", "kirans-second-choice")
    allow_new_code("kiran@example.com", browser)
    assert browser.post("/api/auth/resend-otp", {"email": "kiran@example.com"}).status_code == 202
    assert len(fake_resend.emails) == 3
    verify(browser, "kiran@example.com", code_in(fake_resend.last_email_to("kiran@example.com")))
    log_in(Browser(), "kiran@example.com", "kirans-second-choice")


def test_a_signup_abandoned_for_a_day_can_start_again(browser, fake_resend):
    sign_up(browser, "old@example.com", "first-try-password")
    long_ago = timezone.now() - timedelta(days=2)
    OtpChallenge.objects.update(created_at=long_ago, expires_at=long_ago + timedelta(minutes=5))
    User.objects.filter(email="old@example.com").update(date_joined=long_ago)
    call_command("purge_otp_challenges", stdout=StringIO())
    assert not User.objects.filter(email="old@example.com").exists()

    # Signing up again, even in another browser, starts afresh.
    cache.clear()
    again = Browser()
    assert sign_up(again, "old@example.com", "second-try-password").status_code == 202
    verify(again, "old@example.com", code_in(fake_resend.last_email_to("old@example.com")))
    log_in(Browser(), "old@example.com", "second-try-password")


def test_unverified_account_cannot_log_in_and_is_told_how_to_continue(browser, fake_resend):
    sign_up(browser, "anu@example.com")
    response = browser.post("/api/auth/login", {"email": "anu@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "email_not_verified"
    assert "new one" in response.json()["error"]["message"]
    # Only whoever chose the pending password learns the account is unverified.
    wrong = browser.post("/api/auth/login", {"email": "anu@example.com", "password": "guess-1234"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_credentials"


def test_weak_passwords_are_refused_by_djangos_validators(browser, fake_resend):
    for password in ["short1", "password123", "12345678901", "priya.sharma@example.com"]:
        response = sign_up(browser, "priya.sharma@example.com", password)
        assert response.status_code == 400, password
        assert response.json()["error"]["fields"]["password"]
    assert fake_resend.emails == []
    assert not User.objects.filter(email="priya.sharma@example.com").exists()


def test_a_second_signup_for_a_verified_account_changes_nothing(browser, student, fake_resend):
    response = sign_up(browser, "asha@example.com", "another-password-42")
    assert response.status_code == 202
    notice = fake_resend.last_email_to("asha@example.com")
    assert "already has an account" in notice["text"]
    name = student.name
    student.refresh_from_db()
    assert student.check_password(PASSWORD) and student.name == name != "Ravi"
    assert not OtpChallenge.objects.filter(user=student).exists()


class TestOtpErrors:
    @pytest.fixture
    def code(self, browser, fake_resend):
        sign_up(browser, "dev@example.com")
        return code_in(fake_resend.last_email_to("dev@example.com"))

    @staticmethod
    def wrong(code: str) -> str:
        return f"{(int(code) + 1) % 1_000_000:06d}"

    def test_wrong_code(self, browser, code):
        response = verify(browser, "dev@example.com", self.wrong(code))
        assert response.status_code == 400
        assert response.json()["error"] == {
            "code": "otp_incorrect",
            "message": "The verification code is incorrect.",
            "details": {"attempts_left": 2},
        }

    def test_expired_code(self, browser, code):
        OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        response = verify(browser, "dev@example.com", code)
        assert response.json()["error"]["code"] == "otp_expired"

    def test_reused_code(self, browser, code):
        assert verify(browser, "dev@example.com", code).status_code == 200
        response = verify(browser, "dev@example.com", code)
        assert response.status_code == 400 and response.json()["error"]["code"] == "otp_used"

    def test_the_right_code_on_the_fourth_try_is_refused(self, browser, code):
        codes = [verify(browser, "dev@example.com", self.wrong(code)) for _ in range(3)]
        assert [r.json()["error"]["code"] for r in codes] == [
            "otp_incorrect",
            "otp_incorrect",
            "otp_attempts_exceeded",
        ]
        fourth = verify(browser, "dev@example.com", code)
        assert fourth.json()["error"]["code"] == "otp_attempts_exceeded"
        assert browser.get("/api/auth/me").status_code == 401

    def test_unknown_email_is_an_invalid_code(self, browser, code):
        response = verify(browser, "nobody@example.com", code)
        assert response.json()["error"]["code"] == "otp_invalid"

    def test_malformed_code_is_a_validation_error(self, browser, code):
        response = verify(browser, "dev@example.com", "12ab56")
        assert response.status_code == 400 and "otp" in response.json()["error"]["fields"]


def test_resend_is_refused_during_the_cooldown_with_retry_after(browser, fake_resend):
    sign_up(browser, "tara@example.com")
    response = browser.post("/api/auth/resend-otp", {"email": "tara@example.com"})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "otp_cooldown"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert len(fake_resend.emails) == 1


def test_a_failed_email_is_not_reported_and_the_previous_code_still_works(browser, fake_resend):
    sign_up(browser, "lata@example.com")
    first_code = code_in(fake_resend.last_email_to("lata@example.com"))
    allow_new_code("lata@example.com", browser)
    fake_resend.fail_next(422, "validation_error")  # refused for good: never tried again
    # The answer cannot depend on the email: it goes out after the response.
    assert sign_up(browser, "lata@example.com").status_code == 202
    assert len(fake_resend.emails) == 2
    assert OtpChallenge.objects.count() == 1  # the undelivered code's challenge is gone
    assert verify(browser, "lata@example.com", first_code).status_code == 200
    assert browser.get("/api/auth/me").status_code == 200


def test_a_provider_outage_is_retried_and_the_code_delivered_once(browser, fake_resend):
    fake_resend.fail_next(503)
    fake_resend.fail_next(429, "rate_limit_exceeded")
    assert sign_up(browser, "lata@example.com").status_code == 202
    assert len(fake_resend.emails) == 3 and fake_resend.deliveries == 1
    keys = {r.headers["idempotency-key"] for r in fake_resend.requests}
    email = OutboxEmail.objects.get()
    assert keys == {str(email.pk)} and email.status == "sent" and email.attempts == 3
    code = code_in(fake_resend.last_email_to("lata@example.com"))
    assert verify(browser, "lata@example.com", code).status_code == 200


def test_the_previous_code_works_until_the_new_one_is_delivered(browser, fake_resend, hold_tasks):
    sign_up(browser, "lata@example.com")
    first_code = code_in(fake_resend.last_email_to("lata@example.com"))
    allow_new_code("lata@example.com", browser)
    release = hold_tasks()  # the new code's email waits behind this
    assert browser.post("/api/auth/resend-otp", {"email": "lata@example.com"}).status_code == 202
    assert verify(browser, "lata@example.com", first_code).status_code == 200
    release()


def test_signup_answers_before_the_email_is_sent(browser, fake_resend, hold_tasks):
    release = hold_tasks()  # the outbox is busy until the answer is in
    response = sign_up(browser, "fast@example.com")
    assert response.status_code == 202
    assert not fake_resend.requests
    release()
    assert fake_resend.last_email_to("fast@example.com")
