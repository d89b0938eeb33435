"""Writes to the catalogue that have rules beyond the model's own: a course's edits and
publish state, a test created with its questions, a course's certificate rule. Every write is
audited (guru.services.audit); plain creates, updates and deletes of the other rows go through
guru.services.entities.audited_create, audited_update and audited_delete."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone

from config.errors import InvalidInput
from guru.errors import CourseArchived, CourseHasNoLessons
from guru.models import (
    AdminAuditLog,
    CertificateRule,
    Course,
    Lab,
    Lesson,
    Project,
    Question,
    Test,
)
from guru.services.audit import AuditActor, admin_write
from guru.services.entities import (
    entity_create,
    entity_delete,
    entity_lock,
    entity_update,
    invalid_input_from,
)

Fields = Mapping[str, Any]


def course_update(*, actor: AuditActor, course: Course, fields: Fields) -> Course:
    with admin_write(actor):
        if entity_lock(course).is_archived:
            raise CourseArchived()
        return entity_update(actor=actor, instance=course, fields=fields)


def course_pricing_set(
    *, actor: AuditActor, course: Course, credit_cost: int, is_free: bool
) -> Course:
    return course_update(
        actor=actor, course=course, fields={"credit_cost": credit_cost, "is_free": is_free}
    )


def course_publish(*, actor: AuditActor, course: Course) -> Course:
    """Puts the course in the catalogue; publishing a published course changes nothing."""
    with admin_write(actor):
        current = entity_lock(course)
        if current.is_archived:
            raise CourseArchived()
        if not Lesson.objects.filter(module__course=current).exists():
            raise CourseHasNoLessons()
        return entity_update(
            actor=actor,
            instance=current,
            fields={
                "is_published": True,
                "first_published_at": current.first_published_at or timezone.now(),
            },
        )


def course_unpublish(*, actor: AuditActor, course: Course) -> Course:
    with admin_write(actor):
        return entity_update(actor=actor, instance=course, fields={"is_published": False})


def course_delete(*, actor: AuditActor, course: Course) -> None:
    """A course that is or was published is archived, not deleted: students' enrollments,
    certificates and marksheets keep pointing at it. A draft is deleted with its content."""
    with admin_write(actor):
        current = entity_lock(course)
        if not current.was_published:
            entity_delete(actor=actor, instance=current)
        elif not current.is_archived:
            entity_update(
                actor=actor,
                instance=current,
                fields={"is_published": False, "is_archived": True, "archived_at": timezone.now()},
                action=AdminAuditLog.Action.DELETE,
            )


def test_create(*, actor: AuditActor, fields: Fields, questions: Sequence[Fields]) -> Test:
    """A test and its questions, all validated before any is saved: one bad question
    writes nothing."""
    test = Test(**fields)
    drafts = [Question(test=test, **question) for question in questions]
    errors: dict[str, Any] = {}
    try:
        test.full_clean()
    except DjangoValidationError as exc:
        errors.update(invalid_input_from(exc, Test).fields or {})
    question_errors = [_question_draft_errors(draft) for draft in drafts]
    orders = [draft.order for draft in drafts]
    for index, order in enumerate(orders):
        if orders.index(order) != index:
            question_errors[index].setdefault("order", []).append(
                "Another question of this test has this order."
            )
    if any(question_errors):
        errors["questions"] = question_errors
    if errors:
        raise InvalidInput(fields=errors)

    with admin_write(actor):
        entity_create(actor=actor, instance=test)
        for draft in drafts:
            # Bind the saved test's id; the draft held the unsaved instance.
            draft.test = test
            entity_create(actor=actor, instance=draft)
    return test


def _question_draft_errors(draft: Question) -> dict[str, list[str]]:
    try:
        draft.full_clean(exclude=["test"])
    except DjangoValidationError as exc:
        return invalid_input_from(exc, Question).fields or {}
    return {}


# API names of the rule's many-to-many fields, for error messages.
_REQUIREMENT_FIELDS = {
    "required_tests": "required_test_ids",
    "required_labs": "required_lab_ids",
    "required_projects": "required_project_ids",
}


def certificate_rule_set(
    *,
    actor: AuditActor,
    course: Course,
    test_pass_percentage: int | None,
    min_lab_weight: int,
    required_tests: Sequence[Test],
    required_labs: Sequence[Lab],
    required_projects: Sequence[Project],
) -> tuple[CertificateRule, bool]:
    """Creates or replaces the course's certificate rule; returns it and whether it is new."""
    try:
        CertificateRule.validate_requirements(
            course=course, tests=required_tests, labs=required_labs, projects=required_projects
        )
    except DjangoValidationError as exc:
        raise invalid_input_from(exc, CertificateRule, renames=_REQUIREMENT_FIELDS) from None
    scalars = {"test_pass_percentage": test_pass_percentage, "min_lab_weight": min_lab_weight}
    requirements = {
        "required_tests": required_tests,
        "required_labs": required_labs,
        "required_projects": required_projects,
    }
    with admin_write(actor):
        existing = CertificateRule.objects.select_for_update().filter(course=course).first()
        if existing is None:
            rule = CertificateRule(course=course, **scalars)
            return entity_create(actor=actor, instance=rule, many_to_many=requirements), True
        # Many-to-many values are compared and audited like the scalar fields.
        return entity_update(actor=actor, instance=existing, fields=scalars | requirements), False
