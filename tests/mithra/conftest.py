import pytest

from guru.models import Course, Lab, Lesson
from tests.factories import EnrollmentFactory
from tests.guru.catalogue import assessments_for, course_with_content, pricing
from tests.wallets import fund

# Grading material put into Guru's lab: none of it may ever reach the model.
SOLUTION = "print('SOLUTION-7f3a')"
EXPECTED_OUTPUT = "EXPECTED-OUTPUT-91c2"
EXPECTED_PATTERN = "EXPECTED-PATTERN-44d0"


@pytest.fixture
def course(guru_in_process) -> Course:
    """A published course in this process's Guru, with a lab, a test and pricing
    (tutor_question: 2 credits), read by the student side through the real public API."""
    course = course_with_content()
    assessments_for(
        course,
        solution_code=SOLUTION,
        expected_output=EXPECTED_OUTPUT,
        expected_pattern=EXPECTED_PATTERN,
        ai_context="Students often forget the quotes.",
    )
    pricing()
    return course


@pytest.fixture
def lesson(course) -> Lesson:
    return Lesson.objects.filter(module__course=course).order_by("module__order", "order").first()


@pytest.fixture
def lab(course) -> Lab:
    return Lab.objects.get(course=course)


@pytest.fixture
def enrolled(student, course):
    EnrollmentFactory(user=student, course_id=course.pk)
    fund(student, 10)
    return student
