from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from guru.models import Course, Lab, Lesson, Module, Project, Question, Test


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_user("admin@ourshiksha.test", "a-long-admin-password", role="ADMIN")


@pytest.fixture
def student(db) -> User:
    return User.objects.create_user("student@ourshiksha.test", "a-long-student-password")


@pytest.fixture
def api(admin_user) -> APIClient:
    """The admin API as an admin; the JWT path itself is the admin-auth tests' concern."""
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    client.force_authenticate(user=admin_user)
    return client


@pytest.fixture
def course(db) -> Course:
    return Course.objects.create(title="Python from zero", credit_cost=100)


@pytest.fixture
def module(course) -> Module:
    return Module.objects.create(course=course, title="Basics", order=1)


@pytest.fixture
def lesson(module) -> Lesson:
    return Lesson.objects.create(module=module, title="Variables", content="x = 1", order=1)


@pytest.fixture
def lab(course) -> Lab:
    return Lab.objects.create(
        course=course,
        title="Hello",
        order=1,
        language="python",
        instructions="Print hello.",
        validation_type="stdout",
        expected_output="hello",
    )


@pytest.fixture
def test_(course) -> Test:
    return Test.objects.create(
        course=course, title="Quiz 1", time_limit_minutes=10, pass_percentage=60
    )


@pytest.fixture
def question(test_) -> Question:
    return Question.objects.create(
        test=test_, order=1, type="true_false", prompt="Is 1 odd?", correct_answer=True
    )


@pytest.fixture
def project(course) -> Project:
    return Project.objects.create(course=course, title="Todo app", description="Build one.")


def at(day: int) -> str:
    return datetime(2030, 1, day, tzinfo=UTC).isoformat()
