"""The contract between Guru's public API (guru/public/serializers.py) and the objects the
student side parses its answers into (shishya/guru_models.py): a field added, removed,
renamed, retyped or made nullable on either side fails here."""

import dataclasses
import types
import typing
from datetime import datetime

import pytest
from drf_spectacular.generators import SchemaGenerator

from shishya import guru_models, guru_reads
from tests.guru.catalogue import assessments_for, course_with_content, pricing

# Each public read the student side makes, and the object it is parsed into.
OPERATIONS = {
    "/api/public/courses": guru_models.CourseSummary,
    "/api/public/courses/{course_id}": guru_models.Course,
    "/api/public/courses/{course_id}/tests": guru_models.Test,
    "/api/public/courses/{course_id}/labs": guru_models.Lab,
    "/api/public/courses/{course_id}/projects": guru_models.Project,
    "/api/public/courses/{course_id}/certificate-rules": guru_models.CertificateRule,
    "/api/public/pricing": guru_models.Pricing,
    "/api/public/vouchers/{code}": guru_models.Voucher,
    "/api/public/settings": guru_models.PlatformSettings,
}
SCALARS = {int: "integer", str: "string", bool: "boolean"}


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(openapi, schema):
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _mismatches(openapi, kind, schema, where: str) -> list[str]:
    """Every way kind (a dataclass, a tuple of them, a scalar) and schema disagree."""
    schema = _resolve(openapi, schema)
    if "oneOf" in schema:  # e.g. a URL or blank: one type either way
        kinds = {_resolve(openapi, choice).get("type") for choice in schema["oneOf"]}
        schema = {"type": kinds.pop()} if len(kinds) == 1 else schema
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        properties = schema.get("properties", {})
        fields = {field.name: field for field in dataclasses.fields(kind)}
        found = [f"{where}: Guru sends {name}, not parsed" for name in properties.keys() - fields]
        found += [
            f"{where}: parses {name}, Guru has no such field" for name in fields.keys() - properties
        ]
        hints = typing.get_type_hints(kind)
        for name in fields.keys() & properties.keys():
            field, prop = fields[name], _resolve(openapi, properties[name])
            optional_in_guru = field.default is not dataclasses.MISSING
            if optional_in_guru and name in schema.get("required", ()):
                found.append(f"{where}.{name}: always sent, parsed as optional")
            hint = hints[name]
            if typing.get_origin(hint) in (types.UnionType, typing.Union):
                (hint,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
                if not optional_in_guru and not prop.get("nullable"):
                    found.append(f"{where}.{name}: parsed as nullable, Guru never sends null")
            elif prop.get("nullable"):
                found.append(f"{where}.{name}: Guru may send null, parsed as never null")
            found += _mismatches(openapi, hint, prop, f"{where}.{name}")
        return found
    if origin is tuple:
        (item, _) = typing.get_args(kind)
        if schema == {}:  # a JSON field: Guru validates it as a list of item
            return [] if item in SCALARS else [f"{where}: untyped in Guru's schema"]
        if schema.get("type") != "array":
            return [f"{where}: a list here, {schema.get('type')} in Guru's schema"]
        return _mismatches(openapi, item, schema["items"], f"{where}[]")
    if kind is datetime:
        return [] if schema.get("format") == "date-time" else [f"{where}: not a date-time"]
    if kind in SCALARS:
        expected = schema.get("type", "string" if "enum" in schema else None)
        return [] if expected == SCALARS[kind] else [f"{where}: {kind.__name__} vs {expected}"]
    return []  # Json: passed on as Guru sends it


@pytest.mark.parametrize(("path", "kind"), OPERATIONS.items(), ids=list(OPERATIONS))
def test_each_object_has_exactly_the_fields_of_its_public_operation(openapi, path, kind):
    schema = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    body = _resolve(openapi, schema["schema"])
    if body.get("type") == "array":
        body = body["items"]
    assert _mismatches(openapi, kind, body, kind.__name__) == []


def test_every_public_read_parses_what_the_real_public_api_answers(guru_in_process):
    course = course_with_content()
    test, lab, _ = assessments_for(course)
    pricing()

    (summary,) = guru_reads.courses()
    assert (summary.id, summary.lesson_count, summary.lab_count) == (course.pk, 6, 1)
    detail = guru_reads.course(course.pk, require_fresh=True)
    assert len(detail.lesson_ids()) == 6 and detail.modules[0].lessons[0].tutor_context
    (parsed_test,) = guru_reads.course_tests(course.pk)
    assert parsed_test.questions[0].correct_answer == 1  # the grading key sees answers
    (parsed_lab,) = guru_reads.course_labs(course.pk)
    assert parsed_lab.hints == ("use print",) and parsed_lab.expected_output == "hi"
    (parsed_project,) = guru_reads.course_projects(course.pk)
    assert parsed_project.evaluation_notes == "Secret rubric"
    rules = guru_reads.certificate_rules(course.pk)
    assert rules.required_test_ids == (test.pk,) and rules.required_lab_ids == (lab.pk,)
    prices = guru_reads.pricing()
    assert prices.credit_packs[0].price_paise == 9900
    assert prices.plans[0].features == {"tutor_unlimited": True}
    voucher = guru_reads.voucher("WELCOME10")
    assert voucher.credits == 10 and isinstance(voucher.valid_until, datetime)
    assert guru_reads.platform_settings().tutor.max_question_length > 0


def test_an_answer_of_another_shape_is_guru_unavailable_not_a_500():
    with pytest.raises(guru_models.GuruShapeError):
        guru_models.parse(guru_models.ActionPrice, {"action": "lab_run", "credits": "5"})
