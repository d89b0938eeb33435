import pytest

from learning.models import Enrollment
from tests.factories import EnrollmentFactory
from tests.learning.content import guru_course
from tests.wallets import fund


@pytest.fixture
def content(guru_in_process):
    return guru_course()


@pytest.fixture
def course(content):
    """The course a module's tests are about, and the one `enrolled` enrolls the student in:
    the content's. A module whose tests need another shape of course overrides this fixture
    by defining its own `course` (pytest's override by name), saying in its docstring what
    that course holds."""
    return content.course


@pytest.fixture
def enrolled(student, course) -> Enrollment:
    """The student, enrolled in the course with 100 credits to spend."""
    fund(student, 100)
    return EnrollmentFactory(user=student, course_id=course.pk)
