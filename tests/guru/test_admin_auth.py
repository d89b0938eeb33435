"""Admin sign-in over the API: password, then the emailed OTP, then a JWT bound to a session."""

import base64
import json
import logging
import uuid
from datetime import timedelta
from unittest import mock

import jwt
import pytest
from django.conf import settings
from django.contrib.auth import base_user
from django.utils import timezone

from accounts.models import OtpChallenge, User
from guru.models import AdminSession
from guru.services.admin_auth import admin_login_code_send
from guru.tokens import admin_tokens_issue
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, AdminFactory
from tests.factories import PASSWORD as STUDENT_PASSWORD
from tests.guru.conftest import (
    PROBE,
    bearer,
    emailed_code,
    error_code,
    login,
    refresh,
    sign_in,
    verify,
    wrong,
)
from tests.logs import everything_logged, holds_code

# Transactional: the code is emailed once the login's transaction commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.guru.probe_urls")]


@pytest.fixture
def tokens(client, admin, fake_resend):
    return sign_in(client, fake_resend)


def only_session() -> AdminSession:
    (session,) = AdminSession.objects.all()
    return session


# --- Step 1: password --------------------------------------------------------------------


def test_admin_cannot_access_without_login(client, admin):
    response = client.get(PROBE)
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_password_alone_gives_no_token_but_emails_the_code(client, admin, fake_resend):
    response = login(client)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"challenge_id", "expires_in"}
    assert body["expires_in"] == 300
    assert "access" not in response.content.decode() and "refresh" not in body
    fake_resend.settle()  # the challenge and its email are made after the answer
    challenge = OtpChallenge.objects.get(pk=body["challenge_id"])
    assert challenge.user == admin and challenge.purpose == "admin_login"

    email = fake_resend.last_email_to(ADMIN_EMAIL)
    assert email["subject"] == "OurShiksha Admin Verification Code"
    lines = email["text"].strip().splitlines()
    code = emailed_code(fake_resend)
    assert lines == [
        f"Your One-Time Verification Code is: {code}",
        "This code is valid for 5 minutes.",
        "Do not share this code with anyone.",
    ]
    assert client.get(PROBE).status_code == 401


def test_unknown_email_wrong_password_and_student_get_the_admins_answer(
    client, admin, student, fake_resend
):
    answers = [
        login(client, "nobody@example.com", ADMIN_PASSWORD),
        login(client, ADMIN_EMAIL, "not-the-password"),
        login(client, student.email, STUDENT_PASSWORD),
        login(client, ADMIN_EMAIL, ADMIN_PASSWORD),
    ]
    assert {a.status_code for a in answers} == {200}
    bodies = [a.json() for a in answers]
    assert {tuple(sorted(b)) for b in bodies} == {("challenge_id", "expires_in")}
    assert {b["expires_in"] for b in bodies} == {300}
    ids = [uuid.UUID(b["challenge_id"]) for b in bodies]
    assert len(set(ids)) == 4 and {i.version for i in ids} == {4}
    # Only the real admin got a challenge and an email.
    fake_resend.settle()
    assert list(OtpChallenge.objects.values_list("pk", flat=True)) == [ids[3]]
    assert [e["to"] for e in fake_resend.emails] == [[ADMIN_EMAIL]]


def test_unknown_email_costs_a_password_hash(client, db):
    with mock.patch.object(base_user, "make_password", wraps=base_user.make_password) as hashed:
        assert login(client, "nobody@example.com", "some-guess").status_code == 200
    hashed.assert_called_once_with("some-guess")


def test_inactive_admin_gets_no_code(client, admin, fake_resend):
    User.objects.filter(pk=admin.pk).update(is_active=False)
    assert login(client).status_code == 200
    fake_resend.settle()
    assert not OtpChallenge.objects.exists() and fake_resend.emails == []


def test_a_right_password_answers_like_a_wrong_one_every_time(client, admin, fake_resend):
    # Before: the second right password within a minute answered 429 otp_cooldown, which a
    # wrong one never did.
    answers = [
        login(client, ADMIN_EMAIL, password)
        for password in (
            ADMIN_PASSWORD,
            "not-the-password",
            ADMIN_PASSWORD,
            "not-the-password",
            ADMIN_PASSWORD,
        )
    ]
    assert {a.status_code for a in answers} == {200}
    assert {tuple(sorted(a.json())) for a in answers} == {("challenge_id", "expires_in")}


def test_the_code_leaves_after_the_answer(client, admin, fake_resend, hold_tasks):
    release = hold_tasks()  # the outbox is busy until the answer is in
    assert login(client).status_code == 200
    assert not fake_resend.requests
    release()
    assert emailed_code(fake_resend)


def test_the_daily_cap_of_wrong_codes_is_never_told_at_login(client, admin, fake_resend, settings):
    settings.OTP_DAILY_FAILURE_CAP = 1
    challenge_id = login(client).json()["challenge_id"]
    verify(client, challenge_id, wrong(emailed_code(fake_resend)))
    capped = login(client)
    assert capped.status_code == 200 and set(capped.json()) == {"challenge_id", "expires_in"}
    fake_resend.settle()
    assert len(fake_resend.emails) == 1  # skipped silently


# --- Step 2: the code --------------------------------------------------------------------


def test_right_code_opens_a_session_and_returns_tokens(client, fake_resend):
    new_admin = AdminFactory()  # as createadmin leaves one: the email not yet proven
    assert new_admin.email_verified_at is None
    body = sign_in(client, fake_resend, new_admin.email)
    assert set(body) == {"access", "refresh", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 30 * 60

    probe = client.get(PROBE, **bearer(body["access"]))
    assert probe.status_code == 200
    session = only_session()
    assert probe.json() == {"email": new_admin.email, "session": str(session.id)}
    assert session.channel == "api" and session.ended_at is None
    new_admin.refresh_from_db()
    assert new_admin.email_verified_at is not None


def test_tokens_are_short_lived_hs256_naming_the_session_and_no_role(tokens):
    header = jwt.get_unverified_header(tokens["access"])
    assert header["alg"] == "HS256"
    claims = jwt.decode(
        tokens["access"],
        settings.ADMIN_JWT_SIGNING_KEY,
        algorithms=["HS256"],
        audience="guru-admin",
        issuer="ourshiksha",
    )
    assert claims["sid"] == str(only_session().id)
    assert claims["exp"] - claims["iat"] == 30 * 60
    assert "role" not in claims and "is_admin" not in claims
    assert settings.ADMIN_JWT_SIGNING_KEY != settings.SECRET_KEY


def test_wrong_otp_fails_and_issues_nothing(client, admin, fake_resend):
    challenge_id = login(client).json()["challenge_id"]
    response = verify(client, challenge_id, wrong(emailed_code(fake_resend)))
    assert response.status_code == 401
    assert error_code(response) == "otp_incorrect"
    assert response.json()["error"]["details"] == {"attempts_left": 2}
    assert "access" not in response.content.decode()
    assert not AdminSession.objects.exists()


def test_expired_otp_fails(client, admin, fake_resend):
    challenge_id = login(client).json()["challenge_id"]
    code = emailed_code(fake_resend)
    OtpChallenge.objects.filter(pk=challenge_id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = verify(client, challenge_id, code)
    assert response.status_code == 401 and error_code(response) == "otp_expired"
    assert not AdminSession.objects.exists()


def test_reused_otp_fails(client, admin, fake_resend):
    challenge_id = login(client).json()["challenge_id"]
    code = emailed_code(fake_resend)
    assert verify(client, challenge_id, code).status_code == 200
    again = verify(client, challenge_id, code)
    assert again.status_code == 401 and error_code(again) == "otp_used"
    assert AdminSession.objects.count() == 1


def test_fourth_try_is_locked_out_even_with_the_right_code(client, admin, fake_resend):
    challenge_id = login(client).json()["challenge_id"]
    code = emailed_code(fake_resend)
    codes = [error_code(verify(client, challenge_id, wrong(code))) for _ in range(3)]
    assert codes == ["otp_incorrect", "otp_incorrect", "otp_attempts_exceeded"]
    fourth = verify(client, challenge_id, code)
    assert fourth.status_code == 401 and error_code(fourth) == "otp_attempts_exceeded"
    assert not AdminSession.objects.exists()


def test_code_from_another_challenge_is_refused(client, admin, fake_resend):
    first_id = login(client).json()["challenge_id"]
    first_code = emailed_code(fake_resend)
    second_id = login(client).json()["challenge_id"]
    second_code = emailed_code(fake_resend)

    assert error_code(verify(client, first_id, first_code)) == "otp_superseded"
    if first_code != second_code:  # one in a million they match
        assert error_code(verify(client, second_id, first_code)) == "otp_incorrect"
    assert error_code(verify(client, uuid.uuid4(), second_code)) == "otp_invalid"
    assert not AdminSession.objects.exists()
    assert verify(client, second_id, second_code).status_code == 200


def test_challenge_of_another_admin_is_refused(client, admin, fake_resend):
    other = AdminFactory(email="other.admin@ourshiksha.ai")
    other_id = login(client, other.email).json()["challenge_id"]
    code = emailed_code(fake_resend, other.email)
    response = verify(client, other_id, code, email=ADMIN_EMAIL)
    assert response.status_code == 401 and error_code(response) == "otp_invalid"


def test_fake_challenge_of_an_unknown_email_is_refused_like_any_other(client, db):
    challenge_id = login(client, "nobody@example.com").json()["challenge_id"]
    response = verify(client, challenge_id, "123456", email="nobody@example.com")
    assert response.status_code == 401 and error_code(response) == "otp_invalid"


# --- requireAuth: the token --------------------------------------------------------------


def _segments(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(header))),
        json.loads(base64.urlsafe_b64decode(pad(payload))),
    )


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _forge(tokens: dict, how: str) -> str:
    access = tokens["access"]
    _, claims = _segments(access)
    key = settings.ADMIN_JWT_SIGNING_KEY
    if how == "tampered":
        forged = {**claims, "exp": claims["exp"] + 3600}
        return ".".join([access.split(".")[0], _b64(forged), access.split(".")[2]])
    if how == "alg_none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    if how == "alg_none_signed":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.{access.split('.')[2]}"
    if how == "wrong_algorithm":
        return jwt.encode(claims, key + "-padding-for-hs512-length-abcdefghijklm", "HS512")
    if how == "same_key_other_algorithm":
        return jwt.encode(claims, key + "x" * 40, algorithm="HS384")
    if how == "other_key":
        return jwt.encode(claims, "an-attacker-chosen-signing-key-0123456789", algorithm="HS256")
    if how == "secret_key":
        return jwt.encode(claims, settings.SECRET_KEY, algorithm="HS256")
    if how == "refresh_as_access":
        return tokens["refresh"]
    if how == "no_session_claim":
        return jwt.encode({k: v for k, v in claims.items() if k != "sid"}, key, "HS256")
    if how == "other_audience":
        return jwt.encode({**claims, "aud": "shishya"}, key, "HS256")
    if how == "garbage":
        return "not-a-jwt"
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "tampered",
        "alg_none",
        "alg_none_signed",
        "wrong_algorithm",
        "same_key_other_algorithm",
        "other_key",
        "secret_key",
        "refresh_as_access",
        "no_session_claim",
        "other_audience",
        "garbage",
    ],
)
def test_bad_tokens_get_401(client, tokens, how):
    response = client.get(PROBE, **bearer(_forge(tokens, how)))
    assert response.status_code == 401
    assert error_code(response) == "admin_token_invalid"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_gets_401_token_expired(client, tokens):
    _, claims = _segments(tokens["access"])
    now = int(timezone.now().timestamp())
    expired = jwt.encode(
        {**claims, "iat": now - 3600, "exp": now - 1}, settings.ADMIN_JWT_SIGNING_KEY, "HS256"
    )
    response = client.get(PROBE, **bearer(expired))
    assert response.status_code == 401 and error_code(response) == "admin_token_expired"


def test_token_naming_another_users_session_is_refused(client, tokens, student):
    _, claims = _segments(tokens["access"])
    forged = jwt.encode(
        {**claims, "user_id": str(student.pk)}, settings.ADMIN_JWT_SIGNING_KEY, "HS256"
    )
    response = client.get(PROBE, **bearer(forged))
    assert response.status_code == 401 and error_code(response) == "admin_session_ended"


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer a b", "Basic dXNlcjpwYXNz", "Token abc", ""],
)
def test_malformed_authorization_headers_get_401(client, tokens, header):
    response = client.get(PROBE, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert error_code(response) in {"not_authenticated", "admin_token_invalid"}


# --- requireAdmin: the role, from the database -------------------------------------------


def test_student_session_cookie_is_rejected(client, student):
    client.force_login(student)
    response = client.get(PROBE)
    assert response.status_code == 401 and error_code(response) == "not_authenticated"


def test_admin_session_cookie_without_token_is_rejected(client, admin):
    client.force_login(admin)
    assert client.get(PROBE).status_code == 401


def test_token_for_a_non_admin_is_forbidden(client, student):
    session = AdminSession.objects.create(
        user=student, channel="api", credentials_version=student.credentials_version
    )
    response = client.get(PROBE, **bearer(admin_tokens_issue(session=session).access))
    assert response.status_code == 403 and error_code(response) == "forbidden"


def test_role_change_in_the_database_ends_the_session_on_the_next_request(client, admin, tokens):
    assert client.get(PROBE, **bearer(tokens["access"])).status_code == 200
    admin.role = User.Role.STUDENT
    admin.save()
    demoted = client.get(PROBE, **bearer(tokens["access"]))
    assert demoted.status_code == 401 and error_code(demoted) == "admin_session_ended"
    assert error_code(refresh(client, tokens["refresh"])) == "admin_session_ended"
    admin.role = User.Role.ADMIN
    admin.save()
    assert error_code(client.get(PROBE, **bearer(tokens["access"]))) == "admin_session_ended"


# --- Refresh, logout, timeouts -----------------------------------------------------------


def test_refresh_gives_a_new_access_token_for_the_same_session(client, tokens):
    response = refresh(client, tokens["refresh"])
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "token_type", "expires_in"}
    assert _segments(body["access"])[1]["sid"] == str(only_session().id)
    assert client.get(PROBE, **bearer(body["access"])).status_code == 200


@pytest.mark.parametrize("value", ["garbage", "a.b.c"])
def test_refresh_with_a_bad_token_is_refused(client, db, value):
    response = refresh(client, value)
    assert response.status_code == 401 and error_code(response) == "admin_token_invalid"


def test_access_token_cannot_refresh(client, tokens):
    assert error_code(refresh(client, tokens["access"])) == "admin_token_invalid"


def test_logout_revokes_access_and_refresh_at_once(client, tokens):
    response = client.post("/api/admin/auth/logout", **bearer(tokens["access"]))
    assert response.status_code == 204
    session = only_session()
    assert session.ended_at is not None and session.end_reason == "logout"

    after = client.get(PROBE, **bearer(tokens["access"]))
    assert after.status_code == 401 and error_code(after) == "admin_session_ended"
    refreshed = refresh(client, tokens["refresh"])
    assert refreshed.status_code == 401 and error_code(refreshed) == "admin_session_ended"


def test_logout_ends_only_that_session(client, admin, fake_resend, tokens):
    other = sign_in(client, fake_resend)
    client.post("/api/admin/auth/logout", **bearer(tokens["access"]))
    assert client.get(PROBE, **bearer(other["access"])).status_code == 200


def test_idle_session_ends(client, tokens):
    AdminSession.objects.update(last_seen_at=timezone.now() - timedelta(minutes=31))
    assert error_code(client.get(PROBE, **bearer(tokens["access"]))) == "admin_session_ended"
    assert error_code(refresh(client, tokens["refresh"])) == "admin_session_ended"


def test_activity_keeps_the_session_from_going_idle(client, tokens):
    AdminSession.objects.update(last_seen_at=timezone.now() - timedelta(minutes=29))
    assert client.get(PROBE, **bearer(tokens["access"])).status_code == 200
    assert timezone.now() - only_session().last_seen_at < timedelta(seconds=5)
    assert refresh(client, tokens["refresh"]).status_code == 200


def test_session_ends_at_its_absolute_lifetime_despite_activity(client, tokens):
    AdminSession.objects.update(created_at=timezone.now() - timedelta(hours=12, minutes=1))
    assert error_code(client.get(PROBE, **bearer(tokens["access"]))) == "admin_session_ended"
    assert error_code(refresh(client, tokens["refresh"])) == "admin_session_ended"


def test_timeouts_are_settings(client, tokens, settings):
    settings.ADMIN_SESSION_IDLE_MINUTES = 5
    AdminSession.objects.update(last_seen_at=timezone.now() - timedelta(minutes=6))
    assert client.get(PROBE, **bearer(tokens["access"])).status_code == 401


# --- Password change ---------------------------------------------------------------------


def change_password(client, access: str, current: str, new: str):
    return client.post(
        "/api/admin/auth/password",
        {"current_password": current, "new_password": new},
        content_type="application/json",
        **bearer(access),
    )


def test_password_change_ends_every_session_of_the_admin(client, admin, fake_resend, tokens):
    other = sign_in(client, fake_resend)
    response = change_password(
        client, tokens["access"], ADMIN_PASSWORD, "a-brand-new-passphrase-77"
    )
    assert response.status_code == 204
    assert set(AdminSession.objects.values_list("end_reason", flat=True)) == {"password_changed"}
    for access in (tokens["access"], other["access"]):
        assert error_code(client.get(PROBE, **bearer(access))) == "admin_session_ended"
    assert error_code(refresh(client, other["refresh"])) == "admin_session_ended"

    assert login(client, ADMIN_EMAIL, "a-brand-new-passphrase-77").status_code == 200
    fake_resend.settle()
    assert fake_resend.emails[-1]["to"] == [ADMIN_EMAIL] and len(fake_resend.emails) == 3


def test_password_change_needs_the_current_password_and_a_strong_new_one(client, tokens):
    wrong_current = change_password(client, tokens["access"], "not-it", "a-brand-new-pass-77")
    assert wrong_current.status_code == 400 and error_code(wrong_current) == "password_incorrect"
    weak = change_password(client, tokens["access"], ADMIN_PASSWORD, "12345678")
    assert weak.status_code == 400 and "new_password" in weak.json()["error"]["fields"]
    assert client.get(PROBE, **bearer(tokens["access"])).status_code == 200


def test_password_changed_anywhere_else_ends_sessions_too(client, admin, tokens):
    admin.set_password("changed-in-a-shell-99")
    admin.save()
    assert error_code(client.get(PROBE, **bearer(tokens["access"]))) == "admin_session_ended"


# --- Rate limits -------------------------------------------------------------------------


def test_password_guessing_on_one_account_gets_429(client, admin):
    answers = [login(client, ADMIN_EMAIL, f"guess-{n}").status_code for n in range(11)]
    assert answers == [200] * 10 + [429]
    limited = login(client, ADMIN_EMAIL, "guess-11")
    assert error_code(limited) == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 600


def test_one_ip_guessing_across_accounts_gets_429(client, db):
    answers = [login(client, f"user{n}@example.com", "guess").status_code for n in range(21)]
    assert answers == [200] * 20 + [429]
    # Another client IP is not held back by it.
    assert login(client, "user0@example.com", "x", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_code_guessing_gets_429(client, admin, fake_resend):
    challenge_id = login(client).json()["challenge_id"]
    statuses = [
        verify(client, challenge_id, f"{n:06d}", REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(11)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:10]


def test_refresh_is_rate_limited_per_ip(client, db, settings):
    settings.ADMIN_REFRESH_RATE_PER_IP = "3/m"
    statuses = [refresh(client, "garbage").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


# --- Secrets stay out of logs ------------------------------------------------------------


def test_logs_of_whole_flows_hold_no_code_password_or_token(client, admin, fake_resend, caplog):
    with caplog.at_level(logging.DEBUG):
        login(client, ADMIN_EMAIL, "a-wrong-password-for-the-log")
        login(client, "nobody@example.com", "another-secret-guess")
        challenge_id = login(client).json()["challenge_id"]
        code = emailed_code(fake_resend)
        verify(client, challenge_id, wrong(code))
        tokens = verify(client, challenge_id, code).json()
        client.get(PROBE, **bearer(tokens["access"]))
        new_access = refresh(client, tokens["refresh"]).json()["access"]
        change_password(client, new_access, "wrong-current-password", "a-brand-new-pass-77")
        client.post("/api/admin/auth/logout", **bearer(new_access))
        client.get(PROBE, **bearer(new_access))
        refresh(client, tokens["refresh"])

    assert caplog.records, "the flow logged nothing at all"
    logged = everything_logged(caplog.records)
    secrets = [
        ADMIN_PASSWORD,
        "a-wrong-password-for-the-log",
        "another-secret-guess",
        "wrong-current-password",
        "a-brand-new-pass-77",
        tokens["access"],
        tokens["refresh"],
        new_access,
    ]
    for secret in secrets:
        assert secret not in logged
    assert not holds_code(logged, code) and not holds_code(logged, wrong(code))


def test_a_right_password_does_no_more_work_in_the_request_than_a_wrong_one(
    client, admin, hold_tasks, fake_resend
):
    release = hold_tasks()  # nothing queued runs until the answers are in
    right, wrong = login(client), login(client, ADMIN_EMAIL, "not-the-password")
    assert right.status_code == wrong.status_code == 200
    assert not OtpChallenge.objects.exists()  # not even the challenge row is written yet
    release()
    fake_resend.settle()
    assert list(OtpChallenge.objects.values_list("pk", flat=True)) == [
        uuid.UUID(right.json()["challenge_id"])
    ]


def test_the_code_task_run_twice_sends_one_code(admin, fake_resend):
    challenge_id = uuid.uuid4()
    assert admin_login_code_send(challenge_id=challenge_id, admin_id=admin.pk)
    assert not admin_login_code_send(challenge_id=challenge_id, admin_id=admin.pk)
    fake_resend.settle()
    assert OtpChallenge.objects.get().pk == challenge_id and len(fake_resend.emails) == 1


def test_the_code_task_sends_nothing_for_a_wrong_password_or_a_demoted_admin(admin, fake_resend):
    assert not admin_login_code_send(challenge_id=uuid.uuid4(), admin_id=None)
    User.objects.filter(pk=admin.pk).update(is_active=False)
    assert not admin_login_code_send(challenge_id=uuid.uuid4(), admin_id=admin.pk)
    fake_resend.settle()
    assert not OtpChallenge.objects.exists() and not fake_resend.emails
