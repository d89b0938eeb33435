"""Guru's answers as the student side reads them: frozen, typed objects parsed once at the
boundary (shishya.guru_reads). A field here is a field of Guru's public API with the same
name; tests/shishya/test_guru_contract.py holds the two together. Fields with a default are
ones Guru sends only to some keys (answer material, grading scope only)."""

import dataclasses
import types
import typing
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from django.utils.dateparse import parse_datetime

from config.process_caches import register

# What parse returns: one of the frozen (so hashable) objects below.
T = TypeVar("T", bound=Hashable)

# Values Guru sends as JSON and the student side passes on as they are (an answer key's
# shape depends on the question type).
Json = Any


@dataclass(frozen=True, slots=True)
class Lesson:
    id: int
    title: str
    order: int
    content: str
    tutor_context: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Module:
    id: int
    title: str
    description: str
    order: int
    lessons: tuple[Lesson, ...]


@dataclass(frozen=True, slots=True)
class CourseFields:
    """What the catalogue's entry and the course's own page both say of a course."""

    id: int
    title: str
    description: str
    level: str
    skills: tuple[str, ...]
    thumbnail_url: str
    credit_cost: int
    is_free: bool
    academic_credits: int
    updated_at: str


@dataclass(frozen=True, slots=True)
class CourseSummary(CourseFields):
    module_count: int
    lesson_count: int
    lab_count: int
    test_count: int
    project_count: int


@dataclass(frozen=True, slots=True)
class Course(CourseFields):
    modules: tuple[Module, ...]

    def lesson_ids(self) -> list[int]:
        return [lesson.id for module in self.modules for lesson in module.lessons]


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    order: int
    type: str
    prompt: str
    options: Json
    points: int
    correct_answer: Json = None
    explanation: str | None = None


@dataclass(frozen=True, slots=True)
class Test:
    __test__ = False  # not a pytest test class

    id: int
    module_id: int | None
    title: str
    description: str
    time_limit_minutes: int
    pass_percentage: int
    max_attempts: int
    questions: tuple[Question, ...]
    updated_at: str


@dataclass(frozen=True, slots=True)
class Lab:
    id: int
    module_id: int | None
    title: str
    order: int
    language: str
    instructions: str
    starter_code: str
    hints: tuple[str, ...]
    ai_context: str
    validation_type: str
    unlock_rule: str
    unlock_reference_id: int | None
    certificate_weight: int
    updated_at: str
    solution_code: str | None = None
    expected_output: str | None = None
    expected_pattern: str | None = None


@dataclass(frozen=True, slots=True)
class Project:
    id: int
    title: str
    description: str
    objectives: tuple[str, ...]
    deliverables: tuple[str, ...]
    skills: tuple[str, ...]
    updated_at: str
    evaluation_notes: str | None = None


@dataclass(frozen=True, slots=True)
class CertificateRule:
    course_id: int
    required_test_ids: tuple[int, ...]
    # None: each required test's own pass mark.
    test_pass_percentage: int | None
    required_lab_ids: tuple[int, ...]
    min_lab_weight: int
    required_project_ids: tuple[int, ...]
    updated_at: str


@dataclass(frozen=True, slots=True)
class ActionPrice:
    action: str
    credits: int
    directly_chargeable: bool


@dataclass(frozen=True, slots=True)
class CreditPack:
    id: int
    name: str
    credits: int
    price_paise: int
    currency: str


@dataclass(frozen=True, slots=True)
class Plan:
    id: int
    name: str
    price_paise: int
    currency: str
    period: str
    period_days: int
    # What the plan unlocks, as Guru's feature name -> true.
    features: Json


@dataclass(frozen=True, slots=True)
class Pricing:
    actions: tuple[ActionPrice, ...]
    credit_packs: tuple[CreditPack, ...]
    plans: tuple[Plan, ...]

    def pack(self, pack_id: int) -> CreditPack | None:
        return next((pack for pack in self.credit_packs if pack.id == pack_id), None)

    def plan(self, plan_id: int) -> Plan | None:
        return next((plan for plan in self.plans if plan.id == plan_id), None)


@dataclass(frozen=True, slots=True)
class Voucher:
    code: str
    credits: int
    valid_from: datetime
    valid_until: datetime
    max_redemptions: int
    active: bool


@dataclass(frozen=True, slots=True)
class TutorSettings:
    enabled: bool
    daily_question_cap: int
    model: str
    max_question_length: int


@dataclass(frozen=True, slots=True)
class PlatformSettings:
    welcome_credits: int
    tutor: TutorSettings
    updated_at: str


class GuruShapeError(ValueError):
    """Guru's answer does not have the shape these objects expect."""


def parse(kind: type[T], data: Json) -> T:
    """data (Guru's JSON) as kind, nested objects and lists included; every field without a
    default must be there. Raises GuruShapeError."""
    try:
        return _parser(kind)(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise GuruShapeError(f"{kind.__name__}: {exc!r}") from exc


@register
@cache
def _parser(kind: Any) -> Callable[[Json], Any]:
    """The function that parses JSON into kind, built once per type from its annotations."""
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = tuple(
            (field.name, _parser(hints[field.name]), field.default is dataclasses.MISSING)
            for field in dataclasses.fields(kind)
        )

        def parse_object(data: Json) -> Any:
            if not isinstance(data, dict):
                raise TypeError(f"{kind.__name__} expects an object")
            values = {}
            for name, parse_field, required in fields:
                if name in data:
                    values[name] = parse_field(data[name])
                elif required:
                    raise KeyError(name)
            return kind(**values)

        return parse_object
    origin = typing.get_origin(kind)
    if origin is tuple:
        parse_item = _parser(typing.get_args(kind)[0])

        def parse_list(data: Json) -> tuple[Any, ...]:
            if not isinstance(data, list):
                raise TypeError("expected a list")
            return tuple(parse_item(value) for value in data)

        return parse_list
    if origin in (types.UnionType, typing.Union):
        (inner,) = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        parse_inner = _parser(inner)
        return lambda data: None if data is None else parse_inner(data)
    if kind is datetime:

        def parse_instant(data: Json) -> datetime:
            parsed = parse_datetime(data) if isinstance(data, str) else None
            if parsed is None:
                raise ValueError(f"not a date-time: {data!r}")
            return parsed

        return parse_instant
    if kind in (int, str, bool):

        def parse_scalar(data: Json) -> Any:
            # bool is an int in Python: a flag is never a number here, nor a number a flag.
            if type(data) is not kind:
                raise TypeError(f"expected {kind.__name__}, got {type(data).__name__}")
            return data

        return parse_scalar
    return lambda data: data  # Json: passed on as Guru sent it


def to_json(value: Any) -> Json:
    """An object back as Guru's JSON, as passed on in the student side's own answers (fields
    Guru did not send, answer material for another key, are left out)."""
    if dataclasses.is_dataclass(value):
        return {
            field.name: to_json(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.default is dataclasses.MISSING or getattr(value, field.name) is not None
        }
    if isinstance(value, tuple):
        return [to_json(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
