"""The student's profile: read, partial update, strict validation, unique usernames."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError

from accounts.profile.services import profile_update
from tests.accounts.helpers import PASSWORD, log_in
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def logged_in(browser, student):
    log_in(browser)
    return browser


def update(browser, data):
    return browser.patch("/api/user/profile", data)


def test_profile_reads_the_students_fields(logged_in):
    response = logged_in.get("/api/user/profile")
    assert response.status_code == 200
    assert response.json() == {
        "email": "asha@example.com",
        "name": "Asha Rao",
        "username": None,
        "headline": "",
        "bio": "",
        "links": [],
        "avatar_url": "",
        "portfolio_visibility": "private",
    }


def test_profile_update_changes_only_the_fields_sent(logged_in, student):
    data = {
        "username": "Asha_Codes",
        "headline": "Learning Django",
        "links": ["https://github.com/asha", "http://asha.dev/blog"],
        "avatar_url": "https://cdn.example.com/a.png",
        "portfolio_visibility": "public",
    }
    response = update(logged_in, data)
    assert response.status_code == 200
    assert response.json()["username"] == "asha_codes"
    assert response.json()["name"] == "Asha Rao"
    student.refresh_from_db()
    assert student.username == "asha_codes" and student.portfolio_visibility == "public"
    assert student.links == data["links"]


@pytest.mark.parametrize(
    "data",
    [
        {"email": "new@example.com"},
        {"role": "ADMIN"},
        {"is_active": False},
        {"nickname": "ash"},
        {"name": "Asha", "email_verified_at": None},
    ],
)
def test_unknown_and_read_only_fields_are_refused(logged_in, student, data):
    response = update(logged_in, data)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    refused = set(response.json()["error"]["fields"])
    assert refused == set(data) - {"name"}
    student.refresh_from_db()
    assert student.email == "asha@example.com" and student.role == "STUDENT"


@pytest.mark.parametrize(
    "username", ["ab", "a" * 31, "asha-codes", "asha codes", "ashā", "admin", "ADMIN", "support"]
)
def test_bad_or_reserved_usernames_are_refused(logged_in, username):
    response = update(logged_in, {"username": username})
    assert response.status_code == 400
    assert "username" in response.json()["error"]["fields"]


def test_a_username_is_unique_whatever_its_case(logged_in, db):
    StudentFactory(email="other@example.com", password=PASSWORD, username="taken_name")
    response = update(logged_in, {"username": "Taken_Name"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "username_taken"
    assert update(logged_in, {"username": "free_name"}).status_code == 200
    # Keeping one's own username is no conflict.
    assert update(logged_in, {"username": "FREE_NAME"}).status_code == 200


def test_a_username_can_be_cleared(logged_in):
    update(logged_in, {"username": "asha"})
    assert update(logged_in, {"username": None}).json()["username"] is None


@pytest.mark.parametrize(
    "data",
    [
        {"links": ["not a url"]},
        {"links": ["javascript:alert(1)"]},
        {"links": ["ftp://files.example.com/x"]},
        {"links": [f"https://example.com/{n}" for n in range(11)]},
        {"links": "https://example.com"},
        {"avatar_url": "javascript:alert(1)"},
        {"portfolio_visibility": "everyone"},
        {"headline": "x" * 121},
        {"name": ""},
    ],
)
def test_invalid_profile_values_are_refused(logged_in, data):
    response = update(logged_in, data)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == set(data)


def test_profile_needs_a_session(browser):
    assert browser.get("/api/user/profile").status_code == 401


def test_profile_update_takes_only_profile_fields(student):
    with pytest.raises(TypeError):
        profile_update(user=student, email="mallory@example.com")
    student.refresh_from_db()
    assert student.email == "asha@example.com"


def test_a_database_error_other_than_a_taken_username_is_not_called_one(student, monkeypatch):
    def failing_save(*args, **kwargs):
        raise IntegrityError("some other constraint")

    monkeypatch.setattr(student, "save", failing_save)
    with pytest.raises(IntegrityError):
        profile_update(user=student, headline="Learning Django")
