"""Helpers for tests that drive the student API like the SPA does."""

import json
import re
import uuid
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import F
from django.test import Client

from accounts.models import OtpChallenge
from accounts.otp.codes import otp_code
from tests.factories import PASSWORD


class Browser:
    """The student SPA as a browser runs it: cookies kept, CSRF enforced, the token sent in
    X-CSRFToken on every unsafe request."""

    def __init__(self) -> None:
        self.client = Client(enforce_csrf_checks=True)

    def csrf_token(self) -> str:
        if "csrftoken" not in self.client.cookies:
            self.client.get("/api/auth/csrf")
        return self.client.cookies["csrftoken"].value

    def get(self, path: str, **extra):
        return self.client.get(path, **extra)

    def post(self, path: str, data: object = None, *, csrf: bool = True, **extra):
        if csrf:
            extra["HTTP_X_CSRFTOKEN"] = self.csrf_token()
        body = json.dumps({} if data is None else data)
        return self.client.post(path, body, content_type="application/json", **extra)

    def patch(self, path: str, data: object, **extra):
        body = json.dumps(data)
        return self.client.patch(
            path,
            body,
            content_type="application/json",
            HTTP_X_CSRFTOKEN=self.csrf_token(),
            **extra,
        )

    @property
    def session_key(self) -> str | None:
        cookie = self.client.cookies.get("sessionid")
        return cookie.value if cookie and cookie.value else None


def code_of_challenge(challenge: OtpChallenge) -> str:
    """The code a challenge's email carries, derived as the sender derives it."""
    code = otp_code(
        challenge_id=challenge.pk, purpose=challenge.purpose, key_version=challenge.code_key_version
    )
    assert code is not None
    return code


def code_in(email: dict) -> str:
    match = re.search(r"code is: (\d{6})", email["text"])
    assert match, email["text"]
    return match.group(1)


def allow_new_code(email: str, *browsers: Browser) -> None:
    """Moves past the resend cooldown (kept by each browser's own challenge) and clears the
    rate-limit counters, without waiting a minute."""
    cache.clear()
    OtpChallenge.objects.filter(user__email=email).update(
        created_at=F("created_at") - timedelta(minutes=2)
    )
    for browser in browsers:
        session = browser.client.session
        for key, entry in session.items():
            if key.startswith("otp:") and entry and entry["email"] == email:
                entry["issued_at"] -= 120
        session.save()


def log_in(browser: Browser, email: str = "asha@example.com", password: str = PASSWORD):
    response = browser.post("/api/auth/login", {"email": email, "password": password})
    assert response.status_code == 200, response.json()
    return response


def stored_texts(row: dict) -> list[str]:
    """Every value of a row (from `.values()`) as text, but its datetimes, UUIDs and row ids,
    whose digits can hold a six-digit code by chance (a timestamp's microseconds)."""
    return [
        str(value)
        for column, value in row.items()
        if not (isinstance(value, date | uuid.UUID) or column == "id" or column.endswith("_id"))
    ]
