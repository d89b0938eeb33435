import pytest
from django.test import Client

from tests.fakes.judge0 import AUTH_TOKEN, FakeJudge0
from tests.learning.content import enrolled_student, guru_course


@pytest.fixture
def content(guru_in_process):
    return guru_course()


@pytest.fixture
def student(content):
    return enrolled_student(content.course)


@pytest.fixture
def student_client(student):
    client = Client()
    client.force_login(student)
    return client


@pytest.fixture
def judge0(settings):
    """A local Judge0 the lab runner is pointed at."""
    with FakeJudge0() as server:
        settings.JUDGE0_URL = server.url
        settings.JUDGE0_AUTH_TOKEN = AUTH_TOKEN
        yield server
