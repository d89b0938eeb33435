"""Verifications racing each other and racing a signup, on real row locks."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from accounts.models import OtpChallenge, UserSession
from accounts.signup import services
from tests.accounts.helpers import Browser, allow_new_code, code_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL (SQLite serialises every write)",
    ),
]
User = get_user_model()
OWNERS = "owners-own-phrase-7"


def in_threads(*calls) -> None:
    def run(call):
        try:
            call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


def sign_up(browser: Browser, password: str):
    body = {"email": "race@example.com", "password": password, "name": "R"}
    return browser.post("/api/auth/signup", body)


def test_the_same_code_verified_twice_at_once_succeeds_once(fake_resend):
    owner = Browser()
    sign_up(owner, OWNERS)
    code = code_in(fake_resend.last_email_to("race@example.com"))
    twin = Browser()
    twin.client.cookies = owner.client.cookies  # the same browser, two tabs
    answers = []
    start = threading.Barrier(2)

    def verify(browser):
        def call():
            start.wait()
            response = browser.post(
                "/api/auth/verify-otp", {"email": "race@example.com", "otp": code}
            )
            answers.append(
                response.status_code
                if response.status_code == 200
                else response.json()["error"]["code"]
            )

        return call

    in_threads(verify(owner), verify(twin))
    # The loser waited on the challenge's lock (otp_used) or, arriving after the winner's
    # login replaced the shared session, no longer names a challenge (otp_invalid).
    winner, loser = sorted(answers, key=str)
    assert winner == 200 and loser in {"otp_used", "otp_invalid"}
    assert UserSession.objects.count() == 1


def test_a_signup_during_a_verification_waits_for_it_and_plants_nothing(fake_resend, monkeypatch):
    owner, stranger = Browser(), Browser()
    sign_up(owner, OWNERS)
    code = code_in(fake_resend.last_email_to("race@example.com"))
    allow_new_code("race@example.com")

    completing, signed_up = threading.Event(), threading.Event()
    signup_slipped_in = []
    complete = services._signup_complete

    def slow_complete(challenge):
        completing.set()
        # A signup that did not wait for this transaction would finish meanwhile.
        signup_slipped_in.append(signed_up.wait(timeout=1))
        complete(challenge)

    monkeypatch.setattr(services, "_signup_complete", slow_complete)
    answers = {}

    def verify():
        response = owner.post("/api/auth/verify-otp", {"email": "race@example.com", "otp": code})
        answers["verify"] = response.status_code

    def signup():
        completing.wait(timeout=5)
        answers["signup"] = sign_up(stranger, "strangers-secret-99").status_code
        signed_up.set()

    in_threads(verify, signup)
    assert answers == {"verify": 200, "signup": 202}
    assert signup_slipped_in == [False]
    user = User.objects.get(email="race@example.com")
    assert user.check_password(OWNERS)
    assert not OtpChallenge.objects.exclude(pending_password="").exists()
    assert not OtpChallenge.objects.filter(consumed_at=None, revoked_at=None).exists()
