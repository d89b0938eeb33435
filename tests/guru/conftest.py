"""Admins, students, the sign-in steps and the content the Guru tests share."""

import re
from datetime import UTC, datetime

import pytest
from django.test import TestCase
from rest_framework.test import APIClient

from guru.models import Course, Lab, Lesson, Module, Project, Question, Test
from tests.factories import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CourseFactory,
    LabFactory,
    LessonFactory,
    ModuleFactory,
    ProjectFactory,
    QuestionFactory,
    TestFactory,
)

PROBE = "/api/admin/test/probe"
_CODE_LINE = re.compile(r"^Your One-Time Verification Code is: (\d{6})$", re.MULTILINE)


def login(client, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD, **headers):
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
    fake_resend.settle()  # the code leaves after the login's answer, in the background
    match = _CODE_LINE.search(fake_resend.last_email_to(email)["text"])
    assert match, "the email carries no code line"
    return match.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def sign_in(client, fake_resend, email: str = ADMIN_EMAIL) -> dict:
    """The whole API sign-in; returns the verify-otp body (access, refresh, ...)."""
    started = login(client, email)
    assert started.status_code == 200, started.content
    verified = verify(
        client, started.json()["challenge_id"], emailed_code(fake_resend, email), email
    )
    assert verified.status_code == 200, verified.content
    return verified.json()


def site_sign_in(client, fake_resend, email: str = ADMIN_EMAIL) -> None:
    """The admin site's own sign-in: password, then the emailed code (sent after commit, so
    inside a test's transaction the commit callbacks are run here)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post("/guru/admin/login/", {"username": email, "password": ADMIN_PASSWORD})
    assert started["Location"].startswith("/guru/admin/login/verify/")
    done = client.post("/guru/admin/login/verify/", {"otp": emailed_code(fake_resend, email)})
    assert done.status_code == 302 and done["Location"] == "/guru/admin/"


@pytest.fixture
def site(transactional_db, client, admin, fake_resend):
    """A browser signed into the Guru admin site (/guru/admin/) as admin. Transactional:
    the code's email leaves after commit."""
    site_sign_in(client, fake_resend)
    return client


def error_code(response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]["code"]


@pytest.fixture
def api(admin) -> APIClient:
    """The admin API as an admin; the JWT path itself is the admin-auth tests' concern."""
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    client.force_authenticate(user=admin)
    return client


@pytest.fixture
def course(db) -> Course:
    return CourseFactory(title="Python from zero", credit_cost=100, published=False)


@pytest.fixture
def module(course) -> Module:
    return ModuleFactory(course=course, title="Basics", order=1)


@pytest.fixture
def lesson(module) -> Lesson:
    return LessonFactory(module=module, title="Variables", content="x = 1", order=1)


@pytest.fixture
def lab(course) -> Lab:
    return LabFactory(course=course, order=1, instructions="Print hello.", expected_output="hello")


@pytest.fixture
def test_(course) -> Test:
    return TestFactory(course=course, title="Quiz 1")


@pytest.fixture
def question(test_) -> Question:
    return QuestionFactory(
        test=test_, order=1, type="true_false", prompt="Is 1 odd?", options=[], correct_answer=True
    )


@pytest.fixture
def project(course) -> Project:
    return ProjectFactory(course=course, title="Todo app", description="Build one.")


@pytest.fixture
def parents(course, module, lesson, test_) -> dict:
    return {"course": course, "module": module, "lesson": lesson, "test_": test_}


def at(day: int) -> str:
    return datetime(2030, 1, day, tzinfo=UTC).isoformat()
