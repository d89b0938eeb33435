"""Reads of the catalogue for the admin API: courses (by publish state), modules, lessons,
labs, tests with their questions, projects and certificate rules."""

from django.db import models
from django.db.models import Count, QuerySet

from guru.models import (
    CertificateRule,
    Course,
    Lab,
    Lesson,
    Module,
    Project,
    Question,
    Test,
)
from guru.selectors.rows import row_get, rows_in_parent


class CourseState(models.TextChoices):
    DRAFT = "draft", "Never published or unpublished, not archived"
    PUBLISHED = "published", "In the catalogue"
    ARCHIVED = "archived", "Deleted after being published"


_COURSE_STATES = {
    CourseState.DRAFT: {"is_published": False, "is_archived": False},
    CourseState.PUBLISHED: {"is_published": True},
    CourseState.ARCHIVED: {"is_archived": True},
}


def course_list(*, state: str | None = None) -> QuerySet[Course]:
    courses = Course.objects.all()
    return courses.filter(**_COURSE_STATES[CourseState(state)]) if state else courses


def course_get(*, course_id: int) -> Course:
    return row_get(Course.objects.all(), course_id)


def module_list(*, course_id: int | None = None) -> QuerySet[Module]:
    return rows_in_parent(Module.objects.all(), course_id=course_id)


def module_get(*, module_id: int) -> Module:
    return row_get(Module.objects.all(), module_id)


def lesson_list(*, module_id: int | None = None) -> QuerySet[Lesson]:
    return rows_in_parent(Lesson.objects.all(), module_id=module_id)


def lesson_get(*, lesson_id: int) -> Lesson:
    return row_get(Lesson.objects.all(), lesson_id)


def lab_list(*, course_id: int | None = None) -> QuerySet[Lab]:
    return rows_in_parent(Lab.objects.all(), course_id=course_id)


def lab_get(*, lab_id: int) -> Lab:
    return row_get(Lab.objects.all(), lab_id)


def test_list(*, course_id: int | None = None) -> QuerySet[Test]:
    # Aggregating queries drop Meta.ordering, so the page order is restated.
    tests = Test.objects.annotate(question_count=Count("questions")).order_by("course_id", "id")
    return rows_in_parent(tests, course_id=course_id)


def test_get(*, test_id: int) -> Test:
    return row_get(Test.objects.prefetch_related("questions"), test_id)


def question_list(*, test_id: int | None = None) -> QuerySet[Question]:
    return rows_in_parent(Question.objects.all(), test_id=test_id)


def question_get(*, question_id: int) -> Question:
    return row_get(Question.objects.all(), question_id)


def project_list(*, course_id: int | None = None) -> QuerySet[Project]:
    return rows_in_parent(Project.objects.all(), course_id=course_id)


def project_get(*, project_id: int) -> Project:
    return row_get(Project.objects.all(), project_id)


def _certificate_rules() -> QuerySet[CertificateRule]:
    return CertificateRule.objects.prefetch_related(
        "required_tests", "required_labs", "required_projects"
    )


def certificate_rule_list(*, course_id: int | None = None) -> QuerySet[CertificateRule]:
    return rows_in_parent(_certificate_rules(), course_id=course_id)


def certificate_rule_get(*, rule_id: int) -> CertificateRule:
    return row_get(_certificate_rules(), rule_id)
