import pytest

from learning.models import Enrollment
from tests.factories import EnrollmentFactory
from tests.fakes.judge0 import AUTH_TOKEN, FakeJudge0
from tests.learning.content import guru_course
from tests.learning.core_helpers import fund


@pytest.fixture
def content(guru_in_process):
    return guru_course()


@pytest.fixture
def course(content):
    """The course a module's tests are about: the content's, unless the module builds its own."""
    return content.course


@pytest.fixture
def enrolled(student, course) -> Enrollment:
    """The student, enrolled in the course with 100 credits to spend."""
    fund(student, 100)
    return EnrollmentFactory(user=student, course_id=course.pk)


@pytest.fixture
def judge0(settings):
    """A local Judge0 the lab runner is pointed at."""
    with FakeJudge0() as server:
        settings.JUDGE0_URL = server.url
        settings.JUDGE0_AUTH_TOKEN = AUTH_TOKEN
        yield server
