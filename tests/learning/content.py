"""Guru content for the lab and test tests, through Guru's models. Every piece of answer
material carries a recognisable string, so a test can assert none of it reaches a student."""

from dataclasses import dataclass

import factory

from guru.models import Course, Lab, Lesson, Module, Test
from tests.factories import (
    ActionPriceFactory,
    CourseFactory,
    EnrollmentFactory,
    LabFactory,
    QuestionFactory,
    TestFactory,
)

# Answer material as the student must never see it before their own submission.
ANSWER_KEYS = ("correct_answer", "solution_code", "expected_output", "expected_pattern")
SECRETS = (
    "SECRET-SOLUTION",
    "SECRET-OUTPUT",
    "SECRETPATTERN",
    "SECRET-CONTAINS",
    "SECRET-EXPLANATION",
    "secret short answer",
    "SECRET-AI-CONTEXT",
)
LAB_RUN_PRICE = 3


@dataclass
class Content:
    course: Course
    module: Module
    lessons: list[Lesson]
    test: Test
    stdout_lab: Lab
    regex_lab: Lab
    contains_lab: Lab
    after_test_lab: Lab
    after_module_lab: Lab


class _SecretLab(LabFactory):
    """A lab whose answer material is recognisable (SECRETS); each test names its check."""

    title = factory.LazyAttribute(lambda lab: f"Lab {lab.order}")
    instructions = factory.LazyAttribute(lambda lab: f"Instructions {lab.order}")
    starter_code = "# start here"
    solution_code = ""
    expected_output = ""
    hints = factory.LazyFunction(lambda: ["Read the lesson"])
    ai_context = "SECRET-AI-CONTEXT"


def guru_course(*, max_attempts: int = 1, lab_run_price: int | None = LAB_RUN_PRICE) -> Content:
    course = CourseFactory(modules=2, modules__lessons=2)
    module = course.modules.get(order=0)
    lessons = list(module.lessons.order_by("order"))
    test = TestFactory(
        course=course, module=module, description="Four questions", max_attempts=max_attempts
    )
    QuestionFactory(test=test, order=0, explanation="SECRET-EXPLANATION: arithmetic.")
    QuestionFactory(
        test=test,
        order=1,
        type="multiple_choice",
        prompt="Even?",
        options=["2", "3", "4"],
        correct_answer=[0, 2],
        points=2,
        explanation="SECRET-EXPLANATION: even numbers.",
    )
    QuestionFactory(
        test=test,
        order=2,
        type="true_false",
        prompt="Python is typed dynamically.",
        options=[],
        correct_answer=True,
        explanation="SECRET-EXPLANATION: it is.",
    )
    QuestionFactory(
        test=test,
        order=3,
        type="short_answer",
        prompt="The magic words?",
        options=[],
        correct_answer="Secret  Short Answer",
        explanation="SECRET-EXPLANATION: the words.",
    )
    stdout_lab = _SecretLab(
        course=course,
        order=0,
        validation_type="stdout",
        expected_output="SECRET-OUTPUT\n",
        solution_code="print('SECRET-OUTPUT')",
    )
    regex_lab = _SecretLab(
        course=course,
        order=1,
        validation_type="regex",
        expected_pattern=r"def\s+SECRETPATTERN\(",
        solution_code="def SECRETPATTERN(): SECRET-SOLUTION",
        unlock_rule="lesson_complete",
        unlock_reference_id=lessons[0].pk,
    )
    contains_lab = _SecretLab(
        course=course,
        order=2,
        validation_type="contains",
        expected_output="SECRET-CONTAINS",
        solution_code="SECRET-SOLUTION",
        unlock_rule="lab_complete",
        unlock_reference_id=stdout_lab.pk,
    )
    after_test_lab = _SecretLab(
        course=course,
        order=3,
        validation_type="contains",
        expected_output="SECRET-CONTAINS",
        unlock_rule="test_pass",
        unlock_reference_id=test.pk,
    )
    after_module_lab = _SecretLab(
        course=course,
        order=4,
        validation_type="contains",
        expected_output="SECRET-CONTAINS",
        unlock_rule="module_complete",
        unlock_reference_id=module.pk,
    )
    if lab_run_price is not None:
        ActionPriceFactory(action="lab_run", credits=lab_run_price, is_chargeable=False)
    return Content(
        course,
        module,
        lessons,
        test,
        stdout_lab,
        regex_lab,
        contains_lab,
        after_test_lab,
        after_module_lab,
    )


def enrolled_student(course: Course, *, credits: int = 100, email: str = "s@example.com"):
    """Another student than the fixture's, enrolled in the course."""
    return EnrollmentFactory(course_id=course.pk, user__email=email, user__credits=credits).user
