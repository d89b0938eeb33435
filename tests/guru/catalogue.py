"""Builds Guru content for tests straight through the models (the admin API has its own tests)."""

from datetime import timedelta

from django.utils import timezone

from guru.models import (
    ActionPrice,
    CertificateRule,
    Course,
    CreditPack,
    Lab,
    Lesson,
    Module,
    Plan,
    Project,
    Question,
    Test,
    Voucher,
)
from guru.services.api_keys import api_key_create


def course_with_content(
    *, title: str = "Python", published: bool = True, modules: int = 2, lessons: int = 3
) -> Course:
    course = Course.objects.create(
        title=title,
        skills=["python"],
        credit_cost=30,
        academic_credits=4,
        is_published=published,
        first_published_at=timezone.now() if published else None,
    )
    for m in range(modules):
        module = Module.objects.create(course=course, title=f"Module {m}", order=m)
        Lesson.objects.bulk_create(
            Lesson(
                module=module,
                title=f"Lesson {m}.{n}",
                content=f"Content {m}.{n}",
                order=n,
                tutor_context=f"Explain {m}.{n} simply",
            )
            for n in range(lessons)
        )
    return course


def assessments_for(course: Course) -> tuple[Test, Lab, Project]:
    test = Test.objects.create(
        course=course, title="Quiz", time_limit_minutes=10, pass_percentage=60
    )
    Question.objects.create(
        test=test,
        order=0,
        type="single_choice",
        prompt="2+2?",
        options=["3", "4"],
        correct_answer=1,
        explanation="Because arithmetic.",
    )
    lab = Lab.objects.create(
        course=course,
        title="Hello",
        order=0,
        language="python",
        instructions="Print hi",
        starter_code="print()",
        solution_code="print('hi')",
        validation_type="stdout",
        expected_output="hi",
        hints=["use print"],
    )
    project = Project.objects.create(
        course=course, title="Build", description="Build a thing", evaluation_notes="Secret rubric"
    )
    rule = CertificateRule.objects.create(course=course, min_lab_weight=0)
    rule.required_tests.add(test)
    rule.required_labs.add(lab)
    return test, lab, project


def pricing() -> None:
    ActionPrice.objects.create(action="tutor_question", credits=2, is_chargeable=False)
    ActionPrice.objects.create(action="lab_run", credits=1, is_chargeable=True)
    CreditPack.objects.create(name="Starter", credits=100, price_paise=9900)
    Plan.objects.create(
        name="Pro", price_paise=49900, period="monthly", features=["tutor_unlimited"]
    )
    now = timezone.now()
    Voucher.objects.create(
        code="WELCOME10",
        credits=10,
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=30),
        max_redemptions=100,
    )


def api_key(*scopes: str) -> str:
    return api_key_create(name="test", scopes=list(scopes or ["catalog"])).plain_key
