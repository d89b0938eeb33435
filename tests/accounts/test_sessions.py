"""Student sessions: database-backed, rotated at login, CSRF-protected, bounded in time."""

import time
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from accounts.models import UserSession
from config.authentication import SESSION_SEEN_AT, SESSION_STARTED_AT
from tests.accounts.helpers import PASSWORD, Browser, log_in
from tests.config.test_production_settings import setting

# The store the project is configured with (its cache layer included).
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

pytestmark = pytest.mark.django_db


def test_login_rotates_the_session_key(browser, student):
    session = browser.client.session  # an anonymous session the browser already holds
    session["seen_banner"] = True
    session.save()
    anonymous_key = session.session_key

    log_in(browser)
    first_key = browser.session_key
    assert first_key and first_key != anonymous_key
    assert not Session.objects.filter(session_key=anonymous_key).exists()

    log_in(browser)  # logging in again over a live session of the same student
    assert browser.session_key != first_key
    assert not Session.objects.filter(session_key=first_key).exists()
    assert list(UserSession.objects.values_list("session_id", flat=True)) == [browser.session_key]


def test_session_cookie_is_http_only_lax_and_expires_with_the_idle_timeout(
    browser, student, settings
):
    cookie = log_in(browser).cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_IDLE_TIMEOUT_SECONDS
    assert not cookie["secure"]  # development serves plain HTTP


def test_production_settings_make_the_session_and_csrf_cookies_secure():
    # The real production settings, loaded in a subprocess, not a value the test sets.
    assert setting("SESSION_COOKIE_SECURE") == "True"
    assert setting("CSRF_COOKIE_SECURE") == "True"
    assert setting("SESSION_COOKIE_HTTPONLY") == "True"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/auth/signup", {"email": "a@example.com", "password": PASSWORD, "name": "A"}),
        ("/api/auth/login", {"email": "asha@example.com", "password": PASSWORD}),
        ("/api/auth/verify-otp", {"email": "asha@example.com", "otp": "123456"}),
        ("/api/auth/resend-otp", {"email": "asha@example.com"}),
        ("/api/auth/password/forgot", {"email": "asha@example.com"}),
        (
            "/api/auth/password/reset",
            {"email": "asha@example.com", "otp": "123456", "new_password": PASSWORD},
        ),
    ],
)
def test_anonymous_unsafe_requests_need_the_csrf_token(browser, student, path, body):
    response = browser.post(path, body, csrf=False)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_logged_in_unsafe_requests_need_the_csrf_token(browser, student):
    log_in(browser)
    response = browser.post("/api/auth/logout", csrf=False)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert browser.get("/api/auth/me").status_code == 200


def test_csrf_endpoint_sets_the_cookie_and_returns_the_token(browser):
    response = browser.get("/api/auth/csrf")
    assert response.status_code == 200
    assert response.json()["csrf_token"]
    assert "csrftoken" in response.cookies


def test_me_without_a_session_is_401(browser):
    response = browser.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_session_past_its_absolute_lifetime_ends(browser, student, settings):
    log_in(browser)
    session = SessionStore(session_key=browser.session_key)
    session[SESSION_STARTED_AT] -= settings.SESSION_ABSOLUTE_LIFETIME_SECONDS
    session.save()
    assert browser.get("/api/auth/me").status_code == 401
    assert not Session.objects.filter(session_key=browser.session_key).exists()


def test_activity_pushes_the_idle_expiry_forward(browser, student, settings):
    log_in(browser)
    key = browser.session_key
    session = SessionStore(session_key=key)
    session[SESSION_SEEN_AT] = int(time.time()) - 3600
    session.save()
    # As if the last write was long ago: an hour of idle time left.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(hours=1))

    assert browser.get("/api/auth/me").status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    idle = timedelta(seconds=settings.SESSION_IDLE_TIMEOUT_SECONDS)
    assert expiry > timezone.now() + idle - timedelta(minutes=1)


def test_an_idle_session_expires(browser, student):
    log_in(browser)
    # Idle time passing: the row expires, and the cached copy (stored for the same idle
    # timeout) is gone with it.
    Session.objects.filter(session_key=browser.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    cache.delete(SessionStore(session_key=browser.session_key).cache_key)
    assert browser.get("/api/auth/me").status_code == 401


def test_clearsessions_purges_expired_sessions_and_their_owner_rows(browser, student):
    log_in(browser)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    call_command("clearsessions")
    assert not Session.objects.exists() and not UserSession.objects.exists()


def test_logout_everywhere_ends_every_session(student):
    laptop, phone = Browser(), Browser()
    log_in(laptop)
    log_in(phone)
    assert phone.post("/api/auth/logout-everywhere").status_code == 204
    assert laptop.get("/api/auth/me").status_code == 401
    assert phone.get("/api/auth/me").status_code == 401
    assert not Session.objects.exists() and not UserSession.objects.exists()


def test_logout_requires_a_session(browser):
    assert browser.post("/api/auth/logout").status_code == 401


def test_admin_site_sessions_are_not_student_sessions(admin):
    browser = Browser()
    browser.client.force_login(admin)
    # The student API does not see it at all: as anonymous (every route is walked with it in
    # tests/test_route_identities.py).
    response = browser.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    # The student API neither starts the student clocks on it nor extends it.
    session = SessionStore(session_key=browser.session_key)
    assert SESSION_STARTED_AT not in session and SESSION_SEEN_AT not in session


def test_cors_allows_the_student_spa_with_credentials_on_student_routes_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.ourshiksha.ai"]
    preflight = {
        "HTTP_ORIGIN": "https://app.ourshiksha.ai",
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
    }
    response = client.options("/api/auth/login", **preflight)
    assert response["Access-Control-Allow-Origin"] == "https://app.ourshiksha.ai"
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "Access-Control-Allow-Origin" not in client.options("/api/admin/courses", **preflight)
    stranger = {**preflight, "HTTP_ORIGIN": "https://evil.example"}
    assert "Access-Control-Allow-Origin" not in client.options("/api/auth/login", **stranger)
