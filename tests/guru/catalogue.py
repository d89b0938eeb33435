"""The Guru content most tests share, composed from tests.factories, and public API keys."""

from guru.models import Course, Lab, Project, Test
from guru.services.api_keys import api_key_create
from tests.factories import (
    ActionPriceFactory,
    CertificateRuleFactory,
    CourseFactory,
    CreditPackFactory,
    LabFactory,
    PlanFactory,
    ProjectFactory,
    TestFactory,
    VoucherFactory,
)


def course_with_content(
    *, title: str = "Python", published: bool = True, modules: int = 2, lessons: int = 3
) -> Course:
    return CourseFactory(
        title=title, published=published, modules=modules, modules__lessons=lessons
    )


def assessments_for(course: Course, **lab_fields: object) -> tuple[Test, Lab, Project]:
    """A one-question quiz, a lab (LabFactory's, with lab_fields) and a project; the
    certificate needs the quiz and the lab."""
    test = TestFactory(course=course, questions=1)
    lab = LabFactory(course=course, order=0, **lab_fields)
    project = ProjectFactory(course=course)
    CertificateRuleFactory(course=course, required_tests=[test], required_labs=[lab])
    return test, lab, project


def pricing() -> None:
    ActionPriceFactory(action="tutor_question", credits=2, is_chargeable=False)
    ActionPriceFactory(action="lab_run", credits=1, is_chargeable=True)
    CreditPackFactory()
    PlanFactory()
    VoucherFactory()


def api_key(*scopes: str) -> str:
    return api_key_create(name="test", scopes=list(scopes or ["catalog"])).plain_key
