"""Admins, students and the sign-in steps the Guru tests share."""

import re
from datetime import timedelta

import pytest
from django.db.models import F

from accounts.models import OtpChallenge, User

PASSWORD = "correct-horse-battery-staple-42"
ADMIN_EMAIL = "asha.admin@ourshiksha.ai"
STUDENT_EMAIL = "ravi.student@example.com"
PROBE = "/api/admin/test/probe"
_CODE_LINE = re.compile(r"^Your One-Time Verification Code is: (\d{6})$", re.MULTILINE)


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser(ADMIN_EMAIL, PASSWORD, name="Asha")


@pytest.fixture
def student(db):
    return User.objects.create_user(STUDENT_EMAIL, PASSWORD, name="Ravi")


def login(client, email: str = ADMIN_EMAIL, password: str = PASSWORD, **headers):
    return client.post(
        "/api/admin/auth/login",
        {"email": email, "password": password},
        content_type="application/json",
        **headers,
    )


def verify(client, challenge_id, otp: str, email: str = ADMIN_EMAIL, **headers):
    return client.post(
        "/api/admin/auth/verify-otp",
        {"challenge_id": str(challenge_id), "email": email, "otp": otp},
        content_type="application/json",
        **headers,
    )


def refresh(client, refresh_token: str):
    return client.post(
        "/api/admin/auth/refresh", {"refresh": refresh_token}, content_type="application/json"
    )


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def emailed_code(fake_resend, email: str = ADMIN_EMAIL) -> str:
    match = _CODE_LINE.search(fake_resend.last_email_to(email)["text"])
    assert match, "the email carries no code line"
    return match.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def allow_new_challenge(user) -> None:
    """Moves the user's challenges back past the OTP resend cooldown."""
    OtpChallenge.objects.filter(user=user).update(created_at=F("created_at") - timedelta(minutes=2))


def sign_in(client, fake_resend, email: str = ADMIN_EMAIL) -> dict:
    """The whole API sign-in; returns the verify-otp body (access, refresh, ...)."""
    started = login(client, email)
    assert started.status_code == 200, started.content
    verified = verify(
        client, started.json()["challenge_id"], emailed_code(fake_resend, email), email
    )
    assert verified.status_code == 200, verified.content
    return verified.json()


def error_code(response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]["code"]
