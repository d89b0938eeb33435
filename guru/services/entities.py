"""The one way a Guru row is created, updated or deleted: validated, saved, audited.

entity_create, entity_update and entity_delete run inside a write the caller opened with
guru.services.audit.admin_write (a service with rules of its own, such as publishing a
course, composes several in one transaction); audited_create, audited_update and
audited_delete open it themselves, for the rows whose writes have no rule beyond the model's.
"""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, router
from django.db.models import F, Value
from django.db.models.deletion import Collector
from django.db.models.expressions import BaseExpression, Combinable
from django.db.models.lookups import Exact
from django.utils import timezone

from config.errors import NAMED_VALIDATION_CODES, InvalidInput
from guru.errors import AlreadyExists, ConcurrentChange, ContentInUse
from guru.models import (
    AdminAuditLog,
    CertificateRule,
    Course,
    Lab,
    Lesson,
    Module,
    Project,
    Test,
)
from guru.services.audit import (
    ENTITY_TYPES,
    AuditActor,
    admin_write,
    audit_changes,
    audit_record,
    audit_snapshot,
)

M = TypeVar("M", bound=models.Model)

# Kinds of item a lab's unlock rule can name, by the model deleted.
_UNLOCK_RULES_NAMING: dict[type[models.Model], str] = {
    Lesson: Lab.UnlockRule.LESSON_COMPLETE,
    Lab: Lab.UnlockRule.LAB_COMPLETE,
    Test: Lab.UnlockRule.TEST_PASS,
    Module: Lab.UnlockRule.MODULE_COMPLETE,
}


def invalid_input_from(
    exc: DjangoValidationError,
    model: type[models.Model],
    *,
    renames: Mapping[str, str] | None = None,
) -> InvalidInput:
    """Model validation errors keyed by the API's field names (course -> course_id)."""
    foreign_keys = {
        field.name: field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
    }
    fields: dict[str, list[str]] = {}
    for name, messages in exc.message_dict.items():
        if name == NON_FIELD_ERRORS:
            key = "non_field_errors"
        else:
            key = (renames or {}).get(name) or foreign_keys.get(name, name)
        fields.setdefault(key, []).extend(messages)
    codes = {error.code for errors in exc.error_dict.values() for error in errors}
    return InvalidInput(fields=fields, code=next(iter(codes & NAMED_VALIDATION_CODES), None))


def _validate(instance: models.Model) -> None:
    """Fields and cross-field rules first (400), then the unique rules (409 naming the row
    that already holds the value), then the remaining constraints (400)."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise invalid_input_from(exc, type(instance)) from None
    if twin := _unique_twin(instance):
        existing, fields = twin
        raise AlreadyExists(
            f"A {type(instance)._meta.verbose_name} with this {', '.join(fields)} already "
            f"exists (id {existing.pk}); update that one instead of creating another.",
            details={"existing_id": existing.pk, "fields": fields},
        )
    try:
        instance.full_clean()
    except DjangoValidationError as exc:
        raise invalid_input_from(exc, type(instance)) from None


def _unique_twin(instance: models.Model) -> tuple[models.Model, list[str]] | None:
    """Another row already holding what one of the model's unique rules (a unique field, a
    UniqueConstraint on fields or on expressions) lets only one row hold, and the API's names
    of the fields that rule covers. Walks the model's own rules, so a rule added later is
    covered without a change here."""
    model = type(instance)
    meta = model._meta
    attnames = {field.name: field.attname for field in meta.concrete_fields}
    values = {
        F(field.name): Value(getattr(instance, field.attname), output_field=field)
        for field in meta.concrete_fields
    }
    rules: list[tuple[list[str], list[Exact[Any]]]] = [
        ([field.name], [Exact(F(field.name), values[F(field.name)])])
        for field in meta.concrete_fields
        if field.unique and not field.primary_key
    ]
    for constraint in meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition:
            continue
        if constraint.fields:
            names = list(constraint.fields)
            expressions: list[BaseExpression | Combinable] = [F(name) for name in names]
        else:
            expressions = list(constraint.expressions)
            names = sorted({ref.name for expr in expressions for ref in _field_refs(expr)})
        # Each is an F or an Expression, both with replace_expressions (the stubs omit the
        # Expression one and type the constraint's expressions wider than Django makes them).
        same: list[Exact[Any]] = []
        for expr in expressions:
            with_values = expr.replace_expressions(values)  # type: ignore[union-attr]
            same.append(Exact(expr, with_values))
        rules.append((names, same))
    others = model._default_manager.exclude(pk=instance.pk)
    for names, lookups in rules:
        existing = others.filter(*lookups).first()
        if existing is not None:
            return existing, [attnames[name] for name in names]
    return None


def _field_refs(expression: Any) -> list[F]:
    if isinstance(expression, F):
        return [expression]
    return [ref for inner in expression.get_source_expressions() for ref in _field_refs(inner)]


def _save(instance: models.Model) -> None:
    try:
        instance.save()
    except IntegrityError:
        # Validation passed, so a concurrent write took the same unique value first.
        raise ConcurrentChange() from None


def _touch_course(course_id: int | None) -> None:
    """A course's updated_at covers everything inside it, so one value can drive its ETag."""
    if course_id:
        Course.objects.filter(pk=course_id).update(updated_at=timezone.now())


def _owning_course_id(instance: models.Model) -> int | None:
    if isinstance(instance, Course):
        return None
    return getattr(instance, "owning_course_id", None)


def entity_create(
    *, actor: AuditActor, instance: M, many_to_many: Mapping[str, Iterable[Any]] | None = None
) -> M:
    _validate(instance)
    _save(instance)
    for name, items in (many_to_many or {}).items():
        getattr(instance, name).set(items)
    audit_record(
        actor=actor,
        action=AdminAuditLog.Action.CREATE,
        instance=instance,
        changes=audit_changes({}, audit_snapshot(instance)),
    )
    _touch_course(_owning_course_id(instance))
    return instance


def entity_lock(instance: M) -> M:
    """The row as it is now, locked until the transaction ends (the diff's "old" side)."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def entity_update(
    *,
    actor: AuditActor,
    instance: M,
    fields: Mapping[str, Any],
    action: str = AdminAuditLog.Action.UPDATE,
) -> M:
    """Applies fields to the locked row; an update that changes nothing writes nothing.

    Many-to-many fields take an iterable of rows and are compared as sets of ids.
    """
    current = entity_lock(instance)
    before = audit_snapshot(current)
    many_to_many = {field.name for field in current._meta.many_to_many}
    for name, value in fields.items():
        if name not in many_to_many:
            setattr(current, name, value)
    _validate(current)
    after = audit_snapshot(current) | {
        name: sorted(row.pk for row in rows)
        for name, rows in fields.items()
        if name in many_to_many
    }
    changes = audit_changes(before, after)
    if changes:
        _save(current)
        for name in many_to_many & set(fields):
            getattr(current, name).set(fields[name])
        audit_record(actor=actor, action=action, instance=current, changes=changes)
        _touch_course(_owning_course_id(current))
    return current


def _deleted_with(instance: models.Model) -> list[models.Model]:
    """The instance and every audited row its deletion cascades to."""
    collector = Collector(using=router.db_for_write(type(instance)))
    collector.collect([instance])
    rows: list[models.Model] = [
        row for model, found in collector.data.items() if model in ENTITY_TYPES for row in found
    ]
    for queryset in collector.fast_deletes:
        if queryset.model in ENTITY_TYPES:
            rows.extend(queryset)
    return rows


def entity_delete_blockers(instance: models.Model) -> list[str]:
    """What outside the deletion still names a row it would delete (unlock rules,
    certificate rules): deleting would silently change those, so it is refused."""
    return _blockers(_deleted_with(instance))


def _blockers(doomed: list[models.Model]) -> list[str]:
    doomed_ids: dict[type[models.Model], set[int]] = {}
    for row in doomed:
        doomed_ids.setdefault(type(row), set()).add(row.pk)
    blockers: list[str] = []
    for model, rule in _UNLOCK_RULES_NAMING.items():
        if ids := doomed_ids.get(model):
            labs = Lab.objects.filter(unlock_rule=rule, unlock_reference_id__in=ids).exclude(
                pk__in=doomed_ids.get(Lab, set())
            )
            blockers += [f"Lab {lab.pk} ({lab.title}) unlocks after it." for lab in labs]
    rules = (
        CertificateRule.objects.filter(
            models.Q(required_tests__in=doomed_ids.get(Test, set()))
            | models.Q(required_labs__in=doomed_ids.get(Lab, set()))
            | models.Q(required_projects__in=doomed_ids.get(Project, set()))
        )
        .exclude(pk__in=doomed_ids.get(CertificateRule, set()))
        .distinct()
    )
    blockers += [f"The certificate rule of course {rule.course_id} requires it." for rule in rules]
    return blockers


def entity_delete(*, actor: AuditActor, instance: models.Model) -> None:
    """Deletes the row and what cascades from it, one DELETE audit row each."""
    doomed = _deleted_with(instance)
    if blockers := _blockers(doomed):
        raise ContentInUse(details={"blocked_by": blockers})
    course_id = _owning_course_id(instance)
    for row in doomed:
        audit_record(
            actor=actor,
            action=AdminAuditLog.Action.DELETE,
            instance=row,
            changes=audit_changes(audit_snapshot(row), {}),
        )
    instance.delete()
    _touch_course(course_id)


def audited_create(*, actor: AuditActor, model: type[M], fields: Mapping[str, Any]) -> M:
    with admin_write(actor):
        return entity_create(actor=actor, instance=model(**fields))


def audited_update(*, actor: AuditActor, instance: M, fields: Mapping[str, Any]) -> M:
    with admin_write(actor):
        return entity_update(actor=actor, instance=instance, fields=fields)


def audited_delete(*, actor: AuditActor, instance: models.Model) -> None:
    with admin_write(actor):
        entity_delete(actor=actor, instance=instance)
