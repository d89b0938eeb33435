"""Reads for Guru's admin API and admin site (each owns its joins so lists stay flat), and the
live admin sessions that tokens and site logins name."""

import uuid
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Count, QuerySet
from django.utils import timezone

from config.errors import NotFound
from guru.models import (
    ActionPrice,
    AdminAuditLog,
    AdminSession,
    ApiKey,
    CertificateRule,
    Course,
    CreditPack,
    Lab,
    Lesson,
    Module,
    Plan,
    PlatformSettings,
    Project,
    Question,
    Test,
    Voucher,
)

M = TypeVar("M", bound=models.Model)


def _get(queryset: QuerySet[M], pk: int) -> M:
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist:
        raise NotFound(f"No such {queryset.model._meta.verbose_name}.") from None


def _in_parent(queryset: QuerySet[M], **parent: int | None) -> QuerySet[M]:
    return queryset.filter(**{name: pk for name, pk in parent.items() if pk is not None})


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
    return _get(Course.objects.all(), course_id)


def module_list(*, course_id: int | None = None) -> QuerySet[Module]:
    return _in_parent(Module.objects.all(), course_id=course_id)


def module_get(*, module_id: int) -> Module:
    return _get(Module.objects.all(), module_id)


def lesson_list(*, module_id: int | None = None) -> QuerySet[Lesson]:
    return _in_parent(Lesson.objects.all(), module_id=module_id)


def lesson_get(*, lesson_id: int) -> Lesson:
    return _get(Lesson.objects.all(), lesson_id)


def lab_list(*, course_id: int | None = None) -> QuerySet[Lab]:
    return _in_parent(Lab.objects.all(), course_id=course_id)


def lab_get(*, lab_id: int) -> Lab:
    return _get(Lab.objects.all(), lab_id)


def test_list(*, course_id: int | None = None) -> QuerySet[Test]:
    # Aggregating queries drop Meta.ordering, so the page order is restated.
    tests = Test.objects.annotate(question_count=Count("questions")).order_by("course_id", "id")
    return _in_parent(tests, course_id=course_id)


def test_get(*, test_id: int) -> Test:
    return _get(Test.objects.prefetch_related("questions"), test_id)


def question_list(*, test_id: int | None = None) -> QuerySet[Question]:
    return _in_parent(Question.objects.all(), test_id=test_id)


def question_get(*, question_id: int) -> Question:
    return _get(Question.objects.all(), question_id)


def project_list(*, course_id: int | None = None) -> QuerySet[Project]:
    return _in_parent(Project.objects.all(), course_id=course_id)


def project_get(*, project_id: int) -> Project:
    return _get(Project.objects.all(), project_id)


def _certificate_rules() -> QuerySet[CertificateRule]:
    return CertificateRule.objects.prefetch_related(
        "required_tests", "required_labs", "required_projects"
    )


def certificate_rule_list(*, course_id: int | None = None) -> QuerySet[CertificateRule]:
    return _in_parent(_certificate_rules(), course_id=course_id)


def certificate_rule_get(*, rule_id: int) -> CertificateRule:
    return _get(_certificate_rules(), rule_id)


def action_price_list() -> QuerySet[ActionPrice]:
    return ActionPrice.objects.all()


def action_price_get(*, price_id: int) -> ActionPrice:
    return _get(ActionPrice.objects.all(), price_id)


def credit_pack_list() -> QuerySet[CreditPack]:
    return CreditPack.objects.all()


def credit_pack_get(*, pack_id: int) -> CreditPack:
    return _get(CreditPack.objects.all(), pack_id)


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.all()


def plan_get(*, plan_id: int) -> Plan:
    return _get(Plan.objects.all(), plan_id)


def voucher_list() -> QuerySet[Voucher]:
    return Voucher.objects.all()


def voucher_get(*, voucher_id: int) -> Voucher:
    return _get(Voucher.objects.all(), voucher_id)


def platform_settings_get() -> PlatformSettings:
    # The row is created with its defaults by migration; a flushed database gets it back here.
    settings, _ = PlatformSettings.objects.get_or_create(pk=PlatformSettings.SINGLETON_ID)
    return settings


def audit_log_list(
    *,
    admin_id: int | None = None,
    action_type: str | None = None,
    entity_type: str | None = None,
    entity_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AdminAuditLog]:
    filters = {
        "admin_id": admin_id,
        "action_type": action_type,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "timestamp__gte": since,
        "timestamp__lt": until,
    }
    return AdminAuditLog.objects.select_related("admin").filter(
        **{name: value for name, value in filters.items() if value is not None}
    )


def admin_session_get_live(
    *, session_id: uuid.UUID, channel: str, now: datetime | None = None
) -> AdminSession | None:
    """The session with its user if it is open, neither idle nor too old, and opened under
    the user's current credentials (no password, email, role or activity change since, by
    any path); None otherwise."""
    now = now or timezone.now()
    session = (
        AdminSession.objects.select_related("user")
        .filter(
            pk=session_id,
            channel=channel,
            ended_at__isnull=True,
            created_at__gt=now - timedelta(hours=settings.ADMIN_SESSION_ABSOLUTE_HOURS),
            last_seen_at__gt=now - timedelta(minutes=settings.ADMIN_SESSION_IDLE_MINUTES),
        )
        .first()
    )
    if session is None or session.credentials_version != session.user.credentials_version:
        return None
    return session


def api_key_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.order_by("-id")


def api_key_get(*, key_id: int) -> ApiKey:
    return _get(ApiKey.objects.all(), key_id)
