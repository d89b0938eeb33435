"""Login, password reset and change, enumeration resistance, rate limits, and logs."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.accounts.helpers import PASSWORD, Browser, code_in, log_in

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def admin(db):
    return User.objects.create_superuser(
        "guru@example.com", PASSWORD, email_verified_at=timezone.now()
    )


def forgot(browser: Browser, email: str):
    return browser.post("/api/auth/password/forgot", {"email": email})


def reset(browser: Browser, email: str, otp: str, new_password: str = NEW_PASSWORD):
    return browser.post(
        "/api/auth/password/reset", {"email": email, "otp": otp, "new_password": new_password}
    )


def test_login_returns_the_student(browser, student):
    response = log_in(browser)
    assert response.json()["email"] == "asha@example.com"
    assert browser.get("/api/auth/me").json()["id"] == student.pk


def test_login_email_is_case_insensitive(browser, student):
    log_in(browser, "  ASHA@example.COM ")


def test_wrong_password_and_unknown_email_get_the_same_answer(browser, student):
    wrong = browser.post("/api/auth/login", {"email": "asha@example.com", "password": "nope-nope"})
    unknown = browser.post("/api/auth/login", {"email": "who@example.com", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"


def test_admin_account_is_refused_by_student_login(browser, admin):
    response = browser.post("/api/auth/login", {"email": "guru@example.com", "password": PASSWORD})
    unknown = browser.post("/api/auth/login", {"email": "who@example.com", "password": PASSWORD})
    assert response.status_code == 401 and response.json() == unknown.json()
    assert browser.get("/api/auth/me").status_code == 401


def test_admin_account_cannot_reset_its_password_through_student_flows(browser, admin, fake_resend):
    assert forgot(browser, "guru@example.com").status_code == 202
    assert fake_resend.emails == []
    response = reset(browser, "guru@example.com", "123456")
    unknown = reset(browser, "who@example.com", "123456")
    assert response.status_code == 400 and response.json() == unknown.json()
    assert response.json()["error"]["code"] == "otp_invalid"
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)


def test_admin_email_signup_is_answered_like_any_other_and_sends_nothing(
    browser, admin, fake_resend
):
    body = {"email": "guru@example.com", "password": NEW_PASSWORD, "name": "Mallory"}
    response = browser.post("/api/auth/signup", body)
    assert response.status_code == 202
    assert fake_resend.emails == []
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD) and admin.name == ""


@pytest.mark.parametrize(
    ("path", "known", "body"),
    [
        ("/api/auth/signup", "asha@example.com", {"password": NEW_PASSWORD, "name": "X"}),
        ("/api/auth/login", "asha@example.com", {"password": "not-her-password"}),
        ("/api/auth/resend-otp", "pending@example.com", {}),
        ("/api/auth/password/forgot", "asha@example.com", {}),
    ],
)
def test_known_and_unknown_emails_get_the_same_status_and_body(
    student, fake_resend, path, known, body
):
    User.objects.create_user("pending@example.com", None)  # an unverified signup
    known_response = Browser().post(path, {"email": known, **body})
    unknown_response = Browser().post(path, {"email": "nobody@example.com", **body})
    assert known_response.status_code == unknown_response.status_code
    assert known_response.json() == unknown_response.json()


def test_password_reset_by_email_code_ends_every_other_session(student, fake_resend):
    phone, laptop = Browser(), Browser()
    log_in(phone)
    assert forgot(laptop, "asha@example.com").status_code == 202
    email = fake_resend.last_email_to("asha@example.com")
    assert email["subject"] == "Reset your OurShiksha password"

    response = reset(laptop, "asha@example.com", code_in(email))
    assert response.status_code == 200
    assert phone.get("/api/auth/me").status_code == 401
    assert laptop.get("/api/auth/me").status_code == 200
    student.refresh_from_db()
    assert student.check_password(NEW_PASSWORD)


def test_password_reset_refuses_a_weak_password_without_spending_the_code(
    browser, student, fake_resend
):
    forgot(browser, "asha@example.com")
    code = code_in(fake_resend.last_email_to("asha@example.com"))
    response = reset(browser, "asha@example.com", code, "12345678")
    assert response.status_code == 400 and "new_password" in response.json()["error"]["fields"]
    assert reset(browser, "asha@example.com", code).status_code == 200


def test_forgot_sends_nothing_to_unknown_or_unverified_addresses(browser, fake_resend):
    User.objects.create_user("pending@example.com", None)
    assert forgot(browser, "pending@example.com").status_code == 202
    assert forgot(browser, "nobody@example.com").status_code == 202
    assert fake_resend.emails == []


def test_password_change_ends_the_other_sessions_and_keeps_this_one(student):
    phone, laptop = Browser(), Browser()
    log_in(phone)
    log_in(laptop)
    old_key = laptop.session_key
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert laptop.post("/api/auth/password/change", body).status_code == 204
    assert laptop.session_key != old_key
    assert laptop.get("/api/auth/me").status_code == 200
    assert phone.get("/api/auth/me").status_code == 401
    log_in(Browser(), password=NEW_PASSWORD)


def test_password_change_needs_the_current_password(browser, student):
    log_in(browser)
    body = {"current_password": "not-it-at-all", "new_password": NEW_PASSWORD}
    response = browser.post("/api/auth/password/change", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "password_incorrect"
    student.refresh_from_db()
    assert student.check_password(PASSWORD)


def test_unknown_fields_in_auth_requests_are_refused(browser):
    body = {"email": "a@example.com", "password": PASSWORD, "remember_me": True}
    response = browser.post("/api/auth/login", body)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"remember_me": ["Unknown or read-only field."]}


class TestRateLimits:
    def assert_limited(self, response) -> None:
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited"
        assert int(response["Retry-After"]) >= 1

    def test_login_per_email(self, browser, student):
        body = {"email": "asha@example.com", "password": "wrong-password"}
        for _ in range(10):
            assert browser.post("/api/auth/login", body).status_code == 401
        self.assert_limited(browser.post("/api/auth/login", body))
        # The right password waits too: the limit is on the address, not on failures.
        body["password"] = PASSWORD
        self.assert_limited(browser.post("/api/auth/login", body))

    def test_login_per_ip(self, browser):
        for n in range(30):
            body = {"email": f"s{n}@example.com", "password": PASSWORD}
            assert browser.post("/api/auth/login", body).status_code == 401
        self.assert_limited(
            browser.post("/api/auth/login", {"email": "x@example.com", "password": PASSWORD})
        )

    def test_signup_per_ip(self, browser, fake_resend):
        for n in range(10):
            body = {"email": f"s{n}@example.com", "password": PASSWORD, "name": "S"}
            assert browser.post("/api/auth/signup", body).status_code == 202
        body = {"email": "late@example.com", "password": PASSWORD, "name": "S"}
        self.assert_limited(browser.post("/api/auth/signup", body))

    @pytest.mark.parametrize(
        ("path", "body", "allowed"),
        [
            ("/api/auth/signup", {"password": "short", "name": "S"}, 5),
            ("/api/auth/verify-otp", {"otp": "000000"}, 10),
            ("/api/auth/resend-otp", {}, 5),
            ("/api/auth/password/forgot", {}, 5),
            ("/api/auth/password/reset", {"otp": "000000", "new_password": NEW_PASSWORD}, 10),
        ],
    )
    def test_per_email(self, browser, fake_resend, path, body, allowed):
        body = {"email": "target@example.com", **body}
        for _ in range(allowed):
            # The resend cooldown may answer 429 too (otp_cooldown); it is not counted here.
            response = browser.post(path, body)
            assert response.status_code == 202 or response.json()["error"]["code"] != "rate_limited"
        self.assert_limited(browser.post(path, body))


def test_logs_of_a_whole_flow_hold_no_password_code_or_session_key(caplog, fake_resend):
    browser = Browser()
    secrets_seen: list[str] = [PASSWORD, NEW_PASSWORD]
    with caplog.at_level(logging.DEBUG):
        body = {"email": "neha@example.com", "password": PASSWORD, "name": "Neha"}
        browser.post("/api/auth/signup", body)
        signup_code = code_in(fake_resend.last_email_to("neha@example.com"))
        wrong_code = f"{(int(signup_code) + 1) % 1_000_000:06d}"
        browser.post("/api/auth/verify-otp", {"email": "neha@example.com", "otp": wrong_code})
        browser.post("/api/auth/verify-otp", {"email": "neha@example.com", "otp": signup_code})
        secrets_seen += [signup_code, wrong_code, browser.session_key]
        browser.post("/api/auth/logout")
        browser.post("/api/auth/login", {"email": "neha@example.com", "password": "wrong-one-1"})
        log_in(browser, "neha@example.com")
        secrets_seen.append(browser.session_key)
        browser.post("/api/auth/password/forgot", {"email": "neha@example.com"})
        reset_code = code_in(fake_resend.last_email_to("neha@example.com"))
        body = {"email": "neha@example.com", "otp": reset_code, "new_password": NEW_PASSWORD}
        browser.post("/api/auth/password/reset", body)
        secrets_seen += [reset_code, browser.session_key]
        browser.post("/api/auth/logout-everywhere")

    assert browser.get("/api/auth/me").status_code == 401
    assert len(caplog.records) >= 8
    for record in caplog.records:
        # The raw record, before the redaction filter: nothing secret may even reach it.
        text = record.getMessage() + " " + repr(vars(record))
        for secret in secrets_seen:
            assert secret not in text, (secret, record.getMessage())
