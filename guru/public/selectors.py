"""Reads behind Guru's public API: published content only, in a fixed number of queries."""

from typing import TypedDict

from django.db.models import Count, IntegerField, Model, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from config.errors import VoucherNotFound
from guru.errors import CertificateRulesNotFound, CourseNotFound
from guru.models import (
    ActionPrice,
    CertificateRule,
    ContentVersion,
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


def _published_courses() -> QuerySet[Course]:
    return Course.objects.filter(is_published=True, is_archived=False)


def _count_in_course(model: type[Model], course_path: str) -> Coalesce:
    """Count of model rows in the outer course, as one correlated subquery: several
    counts joined in one query would multiply each other."""
    rows = (
        model._default_manager.filter(**{course_path: OuterRef("pk")})
        .order_by()
        .values(course_path)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def public_course_list() -> QuerySet[Course]:
    return (
        _published_courses()
        .annotate(
            module_count=_count_in_course(Module, "course"),
            lesson_count=_count_in_course(Lesson, "module__course"),
            lab_count=_count_in_course(Lab, "course"),
            test_count=_count_in_course(Test, "course"),
            project_count=_count_in_course(Project, "course"),
        )
        .order_by("id")
    )


def public_course_get(*, course_id: int) -> Course:
    """A published course with its modules and their lessons (three queries)."""
    lessons = Prefetch("lessons", queryset=Lesson.objects.order_by("order"))
    modules = Prefetch(
        "modules", queryset=Module.objects.order_by("order").prefetch_related(lessons)
    )
    course = _published_courses().prefetch_related(modules).filter(pk=course_id).first()
    if course is None:
        raise CourseNotFound()
    return course


def _published_course_id(course_id: int) -> int:
    if not _published_courses().filter(pk=course_id).exists():
        raise CourseNotFound()
    return course_id


def public_test_list(*, course_id: int) -> QuerySet[Test]:
    questions = Prefetch("questions", queryset=Question.objects.order_by("order"))
    return (
        Test.objects.filter(course_id=_published_course_id(course_id))
        .prefetch_related(questions)
        .order_by("id")
    )


def public_lab_list(*, course_id: int) -> QuerySet[Lab]:
    return Lab.objects.filter(course_id=_published_course_id(course_id)).order_by("order")


def public_project_list(*, course_id: int) -> QuerySet[Project]:
    return Project.objects.filter(course_id=_published_course_id(course_id)).order_by("id")


def public_certificate_rule_get(*, course_id: int) -> CertificateRule:
    rule = (
        CertificateRule.objects.filter(course_id=_published_course_id(course_id))
        .prefetch_related("required_tests", "required_labs", "required_projects")
        .first()
    )
    if rule is None:
        raise CertificateRulesNotFound()
    return rule


class Pricing(TypedDict):
    actions: QuerySet[ActionPrice]
    credit_packs: QuerySet[CreditPack]
    plans: QuerySet[Plan]


def public_pricing() -> Pricing:
    return {
        "actions": ActionPrice.objects.order_by("action"),
        "credit_packs": CreditPack.objects.filter(is_active=True).order_by("price_paise", "id"),
        "plans": Plan.objects.filter(is_active=True).order_by("price_paise", "id"),
    }


def public_voucher_get(*, code: str) -> Voucher:
    voucher = Voucher.objects.filter(code__iexact=code).first()
    if voucher is None:
        raise VoucherNotFound("No voucher has this code.")
    return voucher


def public_content_version() -> int:
    """Guru's current content version (1 before any write)."""
    version = (
        ContentVersion.objects.filter(pk=ContentVersion.SINGLETON_ID)
        .values_list("version", flat=True)
        .first()
    )
    return version or 1
