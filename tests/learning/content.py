"""Guru content for the lab and test tests, through Guru's models. Every piece of answer
material carries a recognisable string, so a test can assert none of it reaches a student."""

from dataclasses import dataclass

from guru.models import ActionPrice, Course, Lab, Lesson, Module, Question, Test
from tests.factories import EnrollmentFactory
from tests.guru.catalogue import course_with_content
from wallet.models import LedgerEntry
from wallet.services import wallet_apply

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


def _lab(course: Course, order: int, **fields: object) -> Lab:
    return Lab.objects.create(
        course=course,
        order=order,
        title=f"Lab {order}",
        language="python",
        instructions=f"Instructions {order}",
        starter_code="# start here",
        hints=["Read the lesson"],
        ai_context="SECRET-AI-CONTEXT",
        **fields,
    )


def guru_course(*, max_attempts: int = 1, lab_run_price: int | None = LAB_RUN_PRICE) -> Content:
    course = course_with_content(modules=2, lessons=2)
    module = course.modules.get(order=0)
    lessons = list(module.lessons.order_by("order"))
    test = Test.objects.create(
        course=course,
        module=module,
        title="Quiz",
        description="Four questions",
        time_limit_minutes=10,
        pass_percentage=60,
        max_attempts=max_attempts,
    )
    Question.objects.create(
        test=test,
        order=0,
        type="single_choice",
        prompt="2+2?",
        options=["3", "4"],
        correct_answer=1,
        explanation="SECRET-EXPLANATION: arithmetic.",
    )
    Question.objects.create(
        test=test,
        order=1,
        type="multiple_choice",
        prompt="Even?",
        options=["2", "3", "4"],
        correct_answer=[0, 2],
        points=2,
        explanation="SECRET-EXPLANATION: even numbers.",
    )
    Question.objects.create(
        test=test,
        order=2,
        type="true_false",
        prompt="Python is typed dynamically.",
        correct_answer=True,
        explanation="SECRET-EXPLANATION: it is.",
    )
    Question.objects.create(
        test=test,
        order=3,
        type="short_answer",
        prompt="The magic words?",
        correct_answer="Secret  Short Answer",
        explanation="SECRET-EXPLANATION: the words.",
    )
    stdout_lab = _lab(
        course,
        0,
        validation_type="stdout",
        expected_output="SECRET-OUTPUT\n",
        solution_code="print('SECRET-OUTPUT')",
    )
    regex_lab = _lab(
        course,
        1,
        validation_type="regex",
        expected_pattern=r"def\s+SECRETPATTERN\(",
        solution_code="def SECRETPATTERN(): SECRET-SOLUTION",
        unlock_rule="lesson_complete",
        unlock_reference_id=lessons[0].pk,
    )
    contains_lab = _lab(
        course,
        2,
        validation_type="contains",
        expected_output="SECRET-CONTAINS",
        solution_code="SECRET-SOLUTION",
        unlock_rule="lab_complete",
        unlock_reference_id=stdout_lab.pk,
    )
    after_test_lab = _lab(
        course,
        3,
        validation_type="contains",
        expected_output="SECRET-CONTAINS",
        unlock_rule="test_pass",
        unlock_reference_id=test.pk,
    )
    after_module_lab = _lab(
        course,
        4,
        validation_type="contains",
        expected_output="SECRET-CONTAINS",
        unlock_rule="module_complete",
        unlock_reference_id=module.pk,
    )
    if lab_run_price is not None:
        ActionPrice.objects.create(action="lab_run", credits=lab_run_price, is_chargeable=False)
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
    student = EnrollmentFactory(user__email=email, course_id=course.pk).user
    if credits:
        wallet_apply(
            user=student,
            amount=credits,
            kind=LedgerEntry.Kind.ADMIN_GRANT,
            reference="test",
            idempotency_key="test-grant",
        )
    return student


def balance(student) -> int:
    student.wallet.refresh_from_db()
    return student.wallet.balance
