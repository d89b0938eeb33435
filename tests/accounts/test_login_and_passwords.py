"""Login, password reset and change, enumeration resistance, rate limits, and logs."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db.models import F

from accounts.models import OtpChallenge
from accounts.signup import services
from tests.accounts.helpers import PASSWORD, Browser, code_in, log_in
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, StudentFactory
from tests.logs import everything_logged, holds_code

# Transactional: codes are emailed once the request's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()
NEW_PASSWORD = "a-brand-new-passphrase"


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
    response = browser.post("/api/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    unknown = browser.post("/api/auth/login", {"email": "who@example.com", "password": PASSWORD})
    assert response.status_code == 401 and response.json() == unknown.json()
    assert browser.get("/api/auth/me").status_code == 401


def test_admin_account_cannot_reset_its_password_through_student_flows(admin, fake_resend):
    admins_browser, unknowns_browser = Browser(), Browser()
    assert forgot(admins_browser, ADMIN_EMAIL).status_code == 202
    assert forgot(unknowns_browser, "who@example.com").status_code == 202
    assert fake_resend.emails == []
    response = reset(admins_browser, ADMIN_EMAIL, "123456")
    unknown = reset(unknowns_browser, "who@example.com", "123456")
    assert response.status_code == 400 and response.json() == unknown.json()
    assert response.json()["error"]["code"] == "otp_incorrect"
    admin.refresh_from_db()
    assert admin.check_password(ADMIN_PASSWORD)


def test_admin_email_signup_is_answered_like_any_other_and_sends_nothing(
    browser, admin, fake_resend
):
    body = {"email": ADMIN_EMAIL, "password": NEW_PASSWORD, "name": "Mallory"}
    response = browser.post("/api/auth/signup", body)
    assert response.status_code == 202
    assert fake_resend.emails == []
    admin.refresh_from_db()
    assert admin.check_password(ADMIN_PASSWORD) and admin.name == "Asha"


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
    StudentFactory(email="pending@example.com", password=None)  # an unverified signup
    known_response = Browser().post(path, {"email": known, **body})
    unknown_response = Browser().post(path, {"email": "nobody@example.com", **body})
    assert known_response.status_code == unknown_response.status_code
    assert known_response.json() == unknown_response.json()
    # A session cookie is set on both or on neither.
    assert ("sessionid" in known_response.cookies) == ("sessionid" in unknown_response.cookies)


@pytest.fixture
def every_kind_of_address(student, admin, fake_resend):
    """A verified student, a pending one (whose own browser holds a live code), an admin and
    an address with no account."""
    Browser().post(
        "/api/auth/signup",
        {"email": "pending@example.com", "password": NEW_PASSWORD, "name": "P"},
    )
    forgot(Browser(), "asha@example.com")  # her own browser holds a live reset code
    assert len(fake_resend.emails) == 2
    return ["asha@example.com", "pending@example.com", ADMIN_EMAIL, "nobody@example.com"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/auth/verify-otp", {"otp": "123456"}),
        ("/api/auth/password/reset", {"otp": "123456", "new_password": NEW_PASSWORD}),
    ],
)
def test_code_entry_from_a_fresh_browser_gets_one_answer_for_every_address(
    every_kind_of_address, path, body
):
    answers = [Browser().post(path, {"email": a, **body}) for a in every_kind_of_address]
    assert {response.status_code for response in answers} == {400}
    assert [response.json() for response in answers] == [
        {"error": {"code": "otp_invalid", "message": "This verification code is not valid."}}
    ] * 4
    assert not OtpChallenge.objects.filter(failed_attempts__gt=0).exists()


@pytest.mark.parametrize(
    ("ask", "enter"),
    [
        (
            ("/api/auth/signup", {"password": NEW_PASSWORD, "name": "X"}),
            ("/api/auth/verify-otp", {}),
        ),
        (
            ("/api/auth/password/forgot", {}),
            ("/api/auth/password/reset", {"new_password": NEW_PASSWORD}),
        ),
    ],
)
def test_a_wrong_code_after_asking_gets_one_answer_for_every_address(
    every_kind_of_address, ask, enter
):
    allow_new_code_for_all()
    answers = []
    for address in every_kind_of_address:
        browser = Browser()
        assert browser.post(ask[0], {"email": address, **ask[1]}).status_code == 202
        codes = [
            browser.post(enter[0], {"email": address, "otp": "000000", **enter[1]}).json()
            for _ in range(4)
        ]
        answers.append(codes)
    assert all(codes == answers[-1] for codes in answers), answers
    assert [codes["error"]["code"] for codes in answers[0]] == [
        "otp_incorrect",
        "otp_incorrect",
        "otp_attempts_exceeded",
        "otp_attempts_exceeded",
    ]


def allow_new_code_for_all() -> None:
    cache.clear()
    OtpChallenge.objects.update(created_at=F("created_at") - timedelta(minutes=2))


def test_the_daily_cap_of_wrong_codes_never_shows_when_asking_for_a_code(
    student, fake_resend, settings
):
    settings.OTP_DAILY_FAILURE_CAP = 3
    attacker = Browser()
    forgot(attacker, "asha@example.com")
    for _ in range(3):
        reset(attacker, "asha@example.com", "000000")
    allow_new_code_for_all()
    capped = forgot(Browser(), "asha@example.com")
    unknown = forgot(Browser(), "nobody@example.com")
    assert capped.status_code == unknown.status_code == 202
    assert capped.json() == unknown.json()
    assert len(fake_resend.emails) == 1  # nothing more is sent while the cap holds


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


def test_a_reset_code_works_only_in_the_browser_that_asked(student, fake_resend):
    asked = Browser()
    forgot(asked, "asha@example.com")
    code = code_in(fake_resend.last_email_to("asha@example.com"))
    response = reset(Browser(), "asha@example.com", code)
    assert response.status_code == 400 and response.json()["error"]["code"] == "otp_invalid"
    assert reset(asked, "asha@example.com", code).status_code == 200


def test_forgot_answers_before_the_email_is_sent(student, fake_resend, hold_tasks):
    release = hold_tasks()  # the outbox is busy until the answer is in
    assert forgot(Browser(), "asha@example.com").status_code == 202
    assert not fake_resend.requests
    release()
    assert fake_resend.last_email_to("asha@example.com")


@pytest.mark.parametrize("address", ["asha@example.com", ADMIN_EMAIL, "nobody@example.com"])
def test_signup_hashes_the_password_whatever_the_address(student, admin, address, monkeypatch):
    hashed = []
    monkeypatch.setattr(
        services,
        "make_password",
        lambda password: hashed.append(password) or make_password(password),
    )
    body = {"email": address, "password": NEW_PASSWORD, "name": "X"}
    assert Browser().post("/api/auth/signup", body).status_code == 202
    assert NEW_PASSWORD in hashed


def test_forgot_sends_nothing_to_unknown_or_unverified_addresses(browser, fake_resend):
    StudentFactory(email="pending@example.com", password=None)
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


def test_logs_of_a_whole_flow_hold_no_password_code_or_session_key(caplog, fake_resend):
    browser = Browser()
    secrets_seen: list[str] = [PASSWORD, NEW_PASSWORD]
    codes_seen: list[str] = []
    with caplog.at_level(logging.DEBUG):
        body = {"email": "neha@example.com", "password": PASSWORD, "name": "Neha"}
        browser.post("/api/auth/signup", body)
        signup_code = code_in(fake_resend.last_email_to("neha@example.com"))
        wrong_code = f"{(int(signup_code) + 1) % 1_000_000:06d}"
        browser.post("/api/auth/verify-otp", {"email": "neha@example.com", "otp": wrong_code})
        browser.post("/api/auth/verify-otp", {"email": "neha@example.com", "otp": signup_code})
        codes_seen += [signup_code, wrong_code]
        secrets_seen.append(browser.session_key)
        browser.post("/api/auth/logout")
        browser.post("/api/auth/login", {"email": "neha@example.com", "password": "wrong-one-1"})
        log_in(browser, "neha@example.com")
        secrets_seen.append(browser.session_key)
        browser.post("/api/auth/password/forgot", {"email": "neha@example.com"})
        reset_code = code_in(fake_resend.last_email_to("neha@example.com"))
        body = {"email": "neha@example.com", "otp": reset_code, "new_password": NEW_PASSWORD}
        browser.post("/api/auth/password/reset", body)
        codes_seen.append(reset_code)
        secrets_seen.append(browser.session_key)
        browser.post("/api/auth/logout-everywhere")

    assert browser.get("/api/auth/me").status_code == 401
    assert len(caplog.records) >= 8
    # The raw records, before the redaction filter: nothing secret may even reach them.
    logged = everything_logged(caplog.records)
    for secret in secrets_seen:
        assert secret not in logged, secret
    for code in codes_seen:
        assert not holds_code(logged, code), code
