"""One access rule for a course's lessons, labs, tests and projects on every path that reaches
them (learning.access): the walk finds every student operation in the OpenAPI schema that
names a course or one of its items (in its path or its body) and calls each one as a student
who is not enrolled, and each one naming a lab with that lab locked. Each is refused before
anything is charged, stored, run or sent to the tutor's model."""

import functools
import json
import uuid
from typing import Any

import pytest
from django.test import Client

from learning.models import LabSubmission, LessonCompletion, ProjectSubmission, TestAttempt
from mithra.models import Ask
from tests.factories import ActionPriceFactory, CertificateRuleFactory, ProjectFactory
from tests.learning.content import enrolled_student, guru_course
from tests.wallets import balance

pytestmark = pytest.mark.usefixtures("guru_in_process")

ITEM_FIELDS = ("course_id", "lesson_id", "lab_id", "test_id", "project_id")
# Operations that name a course but are open before enrolling, and why.
BEFORE_ENROLLING = {
    "course": "the public catalogue's course page",
    "course_enroll": "how a student gets access",
}


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


@functools.cache
def item_operations() -> dict[str, tuple[str, str, frozenset[str]]]:
    """operationId -> (method, path, the item fields it names), for every operation of the
    student API whose path parameters or JSON body name a course or one of its items."""
    document = Client().get("/api/schema/?format=json").json()
    found = {}
    for path, operations in document["paths"].items():
        if path.startswith(("/api/admin/", "/api/public/")):
            continue
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                names |= set(_resolve(document, body["schema"]).get("properties", {}))
            if named := names & set(ITEM_FIELDS):
                found[operation["operationId"]] = (method.upper(), path, frozenset(named))
    return found


@pytest.fixture
def content(openai_fake):
    content = guru_course()
    project = ProjectFactory(course=content.course, title="Build", description="Build")
    CertificateRuleFactory(course=content.course)
    ActionPriceFactory(action="tutor_question", credits=2, is_chargeable=False)
    ActionPriceFactory(action="certificate_issue", credits=5, is_chargeable=False)
    content.project = project
    return content


def _ids(content, lab) -> dict[str, int]:
    return {
        "course_id": content.course.pk,
        "lesson_id": content.lessons[0].pk,
        "lab_id": lab.pk,
        "test_id": content.test.pk,
        "project_id": content.project.pk,
    }


# What each operation sends beyond the ids it names; the walk checks this table against the
# schema both ways, so an operation added later must be added here.
BODIES: dict[str, dict[str, Any]] = {
    "course_progress": {},
    "learning_lesson": {},
    "learning_lesson_complete": {},
    "labs": {},
    "lab": {},
    "lab_submit": {"code": "print('hi')"},
    "tests": {},
    "test": {},
    "test_start": {},
    "test_submit": {"answers": {}},
    "course_projects": {},
    "project_submit": {"repo_url": "https://github.com/asha/build"},
    "certificate_generate": {},
    "mithra_ask": {"question": "How do I start?"},
}


def call(client: Client, operation_id: str, ids: dict[str, int], *, about: str = "lab"):
    """The operation with the given ids in its path and body; `about` picks the tutor's
    lesson_id or lab_id (it takes one of the two)."""
    method, template, named = item_operations()[operation_id]
    path, payload = template, dict(BODIES[operation_id])
    for name in named:
        if "{" + name + "}" in template:
            path = path.replace("{" + name + "}", str(ids[name]))
        elif name not in ("lesson_id", "lab_id") or name == f"{about}_id":
            payload[name] = ids[name]
    if method == "GET":
        return client.get(path)
    return client.generic(
        method,
        path,
        json.dumps(payload),
        content_type="application/json",
        headers={"Idempotency-Key": f"walk-{uuid.uuid4()}"},
    )


def assert_nothing_happened(student, openai_fake, credits: int) -> None:
    assert balance(student) == credits
    assert openai_fake.requests == []
    assert not Ask.objects.filter(user=student).exists()
    for model in (LessonCompletion, LabSubmission, TestAttempt, ProjectSubmission):
        assert not model.objects.filter(user=student).exists(), model


def test_the_walk_finds_every_item_path_and_the_table_names_each():
    found = set(item_operations()) - set(BEFORE_ENROLLING)
    assert found == set(BODIES)
    # Sanity: the walk reads bodies too (the tutor names its lab in the body).
    assert "lab_id" in item_operations()["mithra_ask"][2]


@pytest.mark.parametrize("about", ["lesson", "lab"])
def test_a_student_not_enrolled_is_refused_on_every_path(content, openai_fake, about):
    outsider = enrolled_student(guru_course(lab_run_price=None).course, email="o@example.com")
    client = Client()
    client.force_login(outsider)
    known = _ids(content, content.stdout_lab)
    # Unknown items of the course are refused alike: not_enrolled comes first, so an
    # outsider learns nothing about what a course holds.
    unknown = {**known, **{field: 999_999 for field in ITEM_FIELDS[1:]}}
    for operation_id in BODIES:
        for ids in (known, unknown):
            response = call(client, operation_id, ids, about=about)
            if ids is unknown and "course_id" not in item_operations()[operation_id][2]:
                # A lesson's own path names no course: an unknown lesson is simply not found.
                assert response.status_code == 404, (operation_id, response.content)
                continue
            assert response.status_code == 403, (operation_id, response.content)
            assert response.json()["error"]["code"] == "not_enrolled", operation_id
    assert_nothing_happened(outsider, openai_fake, credits=100)


def test_a_locked_lab_is_refused_on_every_path_that_names_it(
    content, openai_fake, student, enrolled
):
    client = Client()
    client.force_login(student)
    locked = content.regex_lab  # opens once the course's first lesson is completed
    naming_a_lab = {
        operation_id
        for operation_id, (_, _, named) in item_operations().items()
        if "lab_id" in named
    }
    assert naming_a_lab == {"lab", "lab_submit", "mithra_ask"}
    for operation_id in naming_a_lab:
        response = call(client, operation_id, _ids(content, locked))
        assert response.status_code == 403, (operation_id, response.content)
        error = response.json()["error"]
        assert error["code"] == "lab_locked", operation_id
        assert error["details"] == {
            "rule": "lesson_complete",
            "reference_id": content.lessons[0].pk,
        }
    assert_nothing_happened(student, openai_fake, credits=100)

    # The same rule opens it everywhere at once.
    client.post(f"/api/learning/lesson/{content.lessons[0].pk}/complete")
    assert client.get(f"/api/labs/{content.course.pk}/{locked.pk}").status_code == 200
    response = call(client, "mithra_ask", _ids(content, locked))
    assert response.status_code == 200, response.content
    assert len(openai_fake.requests) == 1
