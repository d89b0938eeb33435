"""The admin API over Guru's content and prices: CRUD, validation, publish and archive."""

import pytest
from rest_framework.test import APIClient

from guru.models import (
    AdminAuditLog,
    CertificateRule,
    Course,
    Lab,
    Lesson,
    Module,
    PlatformSettings,
    Question,
    Test,
    Voucher,
)
from tests.factories import CertificateRuleFactory, ModuleFactory, TestFactory
from tests.guru.conftest import at

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


def audit_rows(**filters) -> list[AdminAuditLog]:
    return list(AdminAuditLog.objects.filter(**filters).order_by("id"))


# entity type, collection path, create payload, update payload; payloads take the fixtures.
ENTITIES = [
    (
        "COURSE",
        "course",
        lambda f: {"title": "Go", "credit_cost": 50, "skills": ["go"], "level": "advanced"},
        lambda f: {"title": "Go, properly", "credit_cost": 60},
    ),
    (
        "MODULE",
        "module",
        lambda f: {"course_id": f["course"].pk, "title": "Intro", "order": 2},
        lambda f: {"title": "Introduction", "order": 3},
    ),
    (
        "LESSON",
        "lesson",
        lambda f: {"module_id": f["module"].pk, "title": "Loops", "content": "for", "order": 2},
        lambda f: {"title": "Loops", "content": "for and while", "order": 2},
    ),
    (
        "LAB",
        "lab",
        lambda f: {
            "course_id": f["course"].pk,
            "module_id": f["module"].pk,
            "title": "Regex lab",
            "order": 2,
            "language": "python",
            "instructions": "Define f.",
            "validation_type": "regex",
            "expected_pattern": r"def\s+f\(",
            "hints": ["use def"],
            "unlock_rule": "lesson_complete",
            "unlock_reference_id": f["lesson"].pk,
            "certificate_weight": 20,
        },
        lambda f: {
            "title": "Contains lab",
            "order": 2,
            "language": "python",
            "instructions": "Print.",
            "validation_type": "contains",
            "expected_output": "print(",
        },
    ),
    (
        "TEST",
        "test",
        lambda f: {
            "course_id": f["course"].pk,
            "title": "Final",
            "time_limit_minutes": 30,
            "pass_percentage": 70,
        },
        lambda f: {"title": "Final exam", "time_limit_minutes": 45, "pass_percentage": 75},
    ),
    (
        "QUESTION",
        "question",
        lambda f: {
            "test_id": f["test_"].pk,
            "order": 2,
            "type": "single_choice",
            "prompt": "2 + 2?",
            "options": ["3", "4"],
            "correct_answer": 1,
        },
        lambda f: {
            "order": 2,
            "type": "multiple_choice",
            "prompt": "Even numbers?",
            "options": ["2", "3", "4"],
            "correct_answer": [0, 2],
        },
    ),
    (
        "PROJECT",
        "project",
        lambda f: {
            "course_id": f["course"].pk,
            "title": "Blog",
            "description": "A blog.",
            "objectives": ["CRUD"],
            "deliverables": ["repo link"],
            "evaluation_notes": "Check tests.",
            "skills": ["django"],
        },
        lambda f: {"title": "Blog engine", "description": "A blog engine."},
    ),
    (
        "PRICING",
        "pricing/action",
        lambda f: {"action": "tutor_question", "credits": 2},
        lambda f: {"action": "tutor_question", "credits": 3, "is_chargeable": False},
    ),
    (
        "CREDIT_PACK",
        "credit-pack",
        lambda f: {"name": "Starter", "credits": 100, "price_paise": 9900},
        lambda f: {"name": "Starter", "credits": 120, "price_paise": 9900},
    ),
    (
        "PLAN",
        "plan",
        lambda f: {"name": "Pro", "price_paise": 49900, "period": "monthly", "features": ["AI"]},
        lambda f: {"name": "Pro", "price_paise": 39900, "period": "yearly", "features": ["AI"]},
    ),
    (
        "VOUCHER",
        "voucher",
        lambda f: {
            "code": "launch-50",
            "credits": 50,
            "valid_from": at(1),
            "valid_until": at(31),
            "max_redemptions": 100,
        },
        lambda f: {
            "code": "LAUNCH-50",
            "credits": 60,
            "valid_from": at(1),
            "valid_until": at(30),
            "max_redemptions": 100,
        },
    ),
]


@pytest.mark.parametrize(
    ("entity", "path", "create", "update"), ENTITIES, ids=[e[0] for e in ENTITIES]
)
def test_create_update_delete_each_write_one_audit_row(
    api, admin, parents, entity, path, create, update
):
    created = api.post(f"/api/admin/{path}", create(parents), format="json")
    assert created.status_code == 201, created.json()
    entity_id = created.json()["id"]
    (row,) = audit_rows(entity_type=entity, entity_id=entity_id)
    assert (row.action_type, row.admin_id, row.ip_address) == (
        "CREATE",
        admin.pk,
        "203.0.113.7",
    )
    assert (
        row.changes["title" if "title" in row.changes else next(iter(row.changes))]["old"] is None
    )

    assert api.get(f"/api/admin/{path}/{entity_id}").status_code == 200
    updated = api.put(f"/api/admin/{path}/{entity_id}", update(parents), format="json")
    assert updated.status_code == 200, updated.json()
    update_row = audit_rows(entity_type=entity, entity_id=entity_id, action_type="UPDATE")[0]
    assert update_row.changes, "an update row names the changed fields"
    assert all(set(change) == {"old", "new"} for change in update_row.changes.values())

    assert api.delete(f"/api/admin/{path}/{entity_id}").status_code == 204
    assert audit_rows(entity_type=entity, entity_id=entity_id, action_type="DELETE")
    assert api.get(f"/api/admin/{path}/{entity_id}").status_code == 404


def test_update_records_old_and_new_values(api, course):
    api.put(
        f"/api/admin/course/{course.pk}",
        {"title": "Python, gently", "credit_cost": 100},
        format="json",
    )
    (row,) = audit_rows(entity_type="COURSE", action_type="UPDATE")
    assert row.changes == {"title": {"old": "Python from zero", "new": "Python, gently"}}


def test_an_update_that_changes_nothing_writes_nothing(api, course):
    before = Course.objects.get(pk=course.pk).updated_at
    response = api.put(
        f"/api/admin/course/{course.pk}", {"title": course.title, "credit_cost": 100}, format="json"
    )
    assert response.status_code == 200
    assert not audit_rows()
    assert Course.objects.get(pk=course.pk).updated_at == before


def test_a_change_inside_a_course_bumps_its_updated_at(api, course, module):
    before = Course.objects.get(pk=course.pk).updated_at
    api.put(
        f"/api/admin/module/{module.pk}", {"title": "Basics, renamed", "order": 1}, format="json"
    )
    assert Course.objects.get(pk=course.pk).updated_at > before


def test_course_pricing_sets_cost_and_free_flag(api, course):
    response = api.post(
        "/api/admin/course/pricing",
        {"course_id": course.pk, "credit_cost": 0, "is_free": True},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["credit_cost"], response.json()["is_free"]) == (0, True)
    (row,) = audit_rows(entity_type="COURSE", action_type="UPDATE")
    assert row.changes == {
        "credit_cost": {"old": 100, "new": 0},
        "is_free": {"old": False, "new": True},
    }


def test_course_pricing_for_an_unknown_course_is_404(api):
    response = api.post(
        "/api/admin/course/pricing",
        {"course_id": 999, "credit_cost": 5, "is_free": False},
        format="json",
    )
    assert response.status_code == 404


def test_platform_settings_read_and_update(api):
    assert api.get("/api/admin/settings").json()["tutor_enabled"] is True
    response = api.put(
        "/api/admin/settings",
        {
            "welcome_credits": 25,
            "tutor_enabled": False,
            "tutor_daily_question_cap": 10,
            "tutor_model": "gpt-4o",
            "tutor_max_question_length": 1000,
        },
        format="json",
    )
    assert response.status_code == 200
    assert PlatformSettings.objects.get().welcome_credits == 25
    (row,) = audit_rows(entity_type="SETTINGS")
    assert (row.action_type, row.entity_id) == ("UPDATE", PlatformSettings.SINGLETON_ID)
    assert row.changes["welcome_credits"] == {"old": 0, "new": 25}


# --- validation: 400 with field errors, nothing written -----------------------------------

BAD_INPUT = [
    ("course", lambda f: {"title": ""}, "title"),
    ("course", lambda f: {"title": "x", "credit_cost": -1}, "credit_cost"),
    ("course", lambda f: {"title": "x", "credit_cost": 10, "is_free": True}, "credit_cost"),
    ("course", lambda f: {"title": "x", "skills": ["a", "a"]}, "skills"),
    ("course", lambda f: {"title": "x", "level": "wizard"}, "level"),
    ("course", lambda f: {"title": "x", "thumbnail_url": "not a url"}, "thumbnail_url"),
    ("module", lambda f: {"course_id": 999, "title": "M", "order": 1}, "course_id"),
    # A module at an order the course already has is a conflict (409): test_unique_rules.py.
    ("lesson", lambda f: {"module_id": f["module"].pk, "title": "L", "order": 2}, "content"),
    (
        "test",
        lambda f: {
            "course_id": f["course"].pk,
            "title": "T",
            "time_limit_minutes": 10,
            "pass_percentage": 101,
        },
        "pass_percentage",
    ),
    (
        "test",
        lambda f: {
            "course_id": f["course"].pk,
            "title": "T",
            "time_limit_minutes": 0,
            "pass_percentage": 50,
        },
        "time_limit_minutes",
    ),
    (
        "test",
        lambda f: {
            "course_id": f["course"].pk,
            "title": "T",
            "time_limit_minutes": 5,
            "pass_percentage": 50,
            "max_attempts": 0,
        },
        "max_attempts",
    ),
    (
        "question",
        lambda f: {
            "test_id": f["test_"].pk,
            "order": 5,
            "type": "single_choice",
            "prompt": "?",
            "options": ["a", "b"],
            "correct_answer": 2,
        },
        "correct_answer",
    ),
    (
        "question",
        lambda f: {
            "test_id": f["test_"].pk,
            "order": 5,
            "type": "true_false",
            "prompt": "?",
            "correct_answer": "yes",
        },
        "correct_answer",
    ),
    (
        "question",
        lambda f: {
            "test_id": f["test_"].pk,
            "order": 5,
            "type": "single_choice",
            "prompt": "?",
            "options": ["only"],
            "correct_answer": 0,
        },
        "options",
    ),
    ("pricing/action", lambda f: {"action": "teleport", "credits": 1}, "action"),
    ("pricing/action", lambda f: {"action": "lab_run", "credits": -5}, "credits"),
    ("credit-pack", lambda f: {"name": "P", "credits": 0, "price_paise": 9900}, "credits"),
    ("credit-pack", lambda f: {"name": "P", "credits": 10, "price_paise": 1.5}, "price_paise"),
    ("plan", lambda f: {"name": "P", "price_paise": 100, "period": "weekly"}, "period"),
    (
        "voucher",
        lambda f: {
            "code": "no spaces!",
            "credits": 5,
            "valid_from": at(1),
            "valid_until": at(2),
            "max_redemptions": 1,
        },
        "code",
    ),
    (
        "voucher",
        lambda f: {
            "code": "LATE",
            "credits": 5,
            "valid_from": at(2),
            "valid_until": at(1),
            "max_redemptions": 1,
        },
        "valid_until",
    ),
]

LAB_BASE = {
    "title": "L",
    "order": 5,
    "language": "python",
    "instructions": "Do it.",
    "validation_type": "stdout",
    "expected_output": "ok",
}
BAD_LABS = [
    ({"validation_type": "regex", "expected_pattern": ""}, "expected_pattern"),
    ({"validation_type": "regex", "expected_pattern": "(unclosed"}, "expected_pattern"),
    ({"validation_type": "stdout", "expected_output": ""}, "expected_output"),
    ({"validation_type": "telepathy"}, "validation_type"),
    ({"unlock_rule": "test_pass"}, "unlock_reference_id"),
    ({"unlock_rule": "test_pass", "unlock_reference_id": 999}, "unlock_reference_id"),
    ({"unlock_rule": "always", "unlock_reference_id": 1}, "unlock_reference_id"),
    ({"certificate_weight": 101}, "certificate_weight"),
    ({"language": "cobol"}, "language"),
    ({"hints": [""]}, "hints"),
]


@pytest.mark.parametrize(
    ("path", "payload", "field"), BAD_INPUT, ids=[f"{p}-{f}" for p, _, f in BAD_INPUT]
)
def test_bad_input_is_400_with_field_errors_and_writes_nothing(
    api, parents, module, path, payload, field
):
    counts = {model: model.objects.count() for model in (Course, Module, Lesson, Test, Question)}
    response = api.post(f"/api/admin/{path}", payload(parents), format="json")
    assert response.status_code == 400, response.json()
    error = error_of(response)
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert counts == {model: model.objects.count() for model in counts}
    assert not audit_rows()


@pytest.mark.parametrize(("change", "field"), BAD_LABS, ids=[f for _, f in BAD_LABS])
def test_bad_lab_is_400_with_field_errors(api, course, change, field):
    response = api.post(
        "/api/admin/lab", {"course_id": course.pk, **LAB_BASE, **change}, format="json"
    )
    assert response.status_code == 400
    assert field in error_of(response)["fields"]
    assert not Lab.objects.exists() and not audit_rows()


def test_lab_module_must_belong_to_the_labs_course(api, course):
    other = ModuleFactory(course__title="Other", title="M", order=1)
    response = api.post(
        "/api/admin/lab", {"course_id": course.pk, "module_id": other.pk, **LAB_BASE}, format="json"
    )
    assert response.status_code == 400
    assert "module_id" in error_of(response)["fields"]


def test_voucher_codes_are_unique_whatever_the_case(api):
    payload = {
        "code": "Diwali",
        "credits": 5,
        "valid_from": at(1),
        "valid_until": at(9),
        "max_redemptions": 3,
    }
    first = api.post("/api/admin/voucher", payload, format="json").json()
    assert first["code"] == "DIWALI"
    response = api.post("/api/admin/voucher", {**payload, "code": "diwali"}, format="json")
    assert response.status_code == 409
    assert error_of(response)["details"] == {"existing_id": first["id"], "fields": ["code"]}
    assert Voucher.objects.count() == 1


def test_unknown_ids_are_404(api):
    for path in (
        "course",
        "module",
        "lesson",
        "lab",
        "test",
        "question",
        "project",
        "certificate/rules",
        "pricing/action",
        "credit-pack",
        "plan",
        "voucher",
    ):
        response = api.get(f"/api/admin/{path}/424242")
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"
    assert api.put("/api/admin/course/424242", {"title": "x"}, format="json").status_code == 404
    assert api.delete("/api/admin/lesson/424242").status_code == 404
    assert api.post("/api/admin/course/424242/publish").status_code == 404


# --- tests with nested questions ------------------------------------------------------------


def midterm_payload(course, *questions) -> dict:
    return {
        "course_id": course.pk,
        "title": "Midterm",
        "time_limit_minutes": 20,
        "pass_percentage": 50,
        "questions": list(questions),
    }


GOOD_QUESTION = {"order": 1, "type": "true_false", "prompt": "Sky is blue?", "correct_answer": True}


def test_test_is_created_with_its_questions_and_an_audit_row_each(api, course):
    second = {
        "order": 2,
        "type": "short_answer",
        "prompt": "Capital of India?",
        "correct_answer": "New Delhi",
    }
    response = api.post(
        "/api/admin/test", midterm_payload(course, GOOD_QUESTION, second), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["max_attempts"] == 1
    assert [q["order"] for q in body["questions"]] == [1, 2]
    assert len(audit_rows(entity_type="TEST", action_type="CREATE")) == 1
    assert len(audit_rows(entity_type="QUESTION", action_type="CREATE")) == 2


def test_one_invalid_nested_question_writes_nothing(api, course):
    bad = {
        "order": 2,
        "type": "single_choice",
        "prompt": "Pick",
        "options": ["a", "b"],
        "correct_answer": 7,
    }
    response = api.post(
        "/api/admin/test", midterm_payload(course, GOOD_QUESTION, bad), format="json"
    )
    assert response.status_code == 400
    assert error_of(response)["fields"]["questions"] == [
        {},
        {"correct_answer": ["Option indexes must point at the options (from 0)."]},
    ]
    assert not Test.objects.exists() and not Question.objects.exists() and not audit_rows()


def test_nested_questions_with_the_same_order_write_nothing(api, course):
    response = api.post(
        "/api/admin/test", midterm_payload(course, GOOD_QUESTION, GOOD_QUESTION), format="json"
    )
    assert response.status_code == 400
    assert "order" in error_of(response)["fields"]["questions"][1]
    assert not Test.objects.exists()


# --- certificate rules ----------------------------------------------------------------------


def test_certificate_rules_are_set_then_replaced(api, course, test_, lab, project):
    payload = {
        "course_id": course.pk,
        "required_test_ids": [test_.pk],
        "test_pass_percentage": 80,
        "required_lab_ids": [lab.pk],
        "min_lab_weight": 0,
        "required_project_ids": [project.pk],
    }
    created = api.post("/api/admin/certificate/rules", payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["required_test_ids"] == [test_.pk]
    replaced = api.post(
        "/api/admin/certificate/rules",
        {**payload, "required_lab_ids": [], "min_lab_weight": 30},
        format="json",
    )
    assert replaced.status_code == 200
    assert replaced.json()["id"] == created.json()["id"]
    (update,) = audit_rows(entity_type="CERTIFICATE", action_type="UPDATE")
    assert update.changes == {
        "min_lab_weight": {"old": 0, "new": 30},
        "required_labs": {"old": [lab.pk], "new": []},
    }
    assert api.delete(f"/api/admin/certificate/rules/{created.json()['id']}").status_code == 204
    assert audit_rows(entity_type="CERTIFICATE", action_type="DELETE")


def test_certificate_rules_only_require_the_courses_own_items(api, course):
    other_test = TestFactory(course__title="Other", title="T")
    response = api.post(
        "/api/admin/certificate/rules",
        {"course_id": course.pk, "required_test_ids": [other_test.pk], "test_pass_percentage": 101},
        format="json",
    )
    assert response.status_code == 400
    assert "test_pass_percentage" in error_of(response)["fields"]
    response = api.post(
        "/api/admin/certificate/rules",
        {"course_id": course.pk, "required_test_ids": [other_test.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "required_test_ids" in error_of(response)["fields"]
    assert not CertificateRule.objects.exists()


def test_content_still_named_by_a_rule_cannot_be_deleted(api, course, lesson, test_, lab):
    Lab.objects.filter(pk=lab.pk).update(
        unlock_rule="lesson_complete", unlock_reference_id=lesson.pk
    )
    CertificateRuleFactory(course=course, required_tests=[test_])
    for path in (f"lesson/{lesson.pk}", f"module/{lesson.module_id}", f"test/{test_.pk}"):
        response = api.delete(f"/api/admin/{path}")
        assert response.status_code == 409, path
        assert error_of(response)["code"] == "content_in_use"
    assert (
        Lesson.objects.filter(pk=lesson.pk).exists() and Test.objects.filter(pk=test_.pk).exists()
    )
    assert not audit_rows()


# --- publish, archive, delete ---------------------------------------------------------------


def test_publish_and_unpublish(api, course, lesson):
    published = api.post(f"/api/admin/course/{course.pk}/publish")
    assert published.status_code == 200
    assert published.json()["is_published"] is True
    assert published.json()["first_published_at"]
    unpublished = api.post(f"/api/admin/course/{course.pk}/unpublish")
    assert unpublished.json()["is_published"] is False
    assert unpublished.json()["first_published_at"] == published.json()["first_published_at"]
    changes = [
        row.changes["is_published"]
        for row in audit_rows(entity_type="COURSE", action_type="UPDATE")
    ]
    assert changes == [{"old": False, "new": True}, {"old": True, "new": False}]


def test_publishing_twice_changes_nothing(api, course, lesson):
    api.post(f"/api/admin/course/{course.pk}/publish")
    assert api.post(f"/api/admin/course/{course.pk}/publish").status_code == 200
    assert len(audit_rows(entity_type="COURSE")) == 1


def test_an_empty_course_cannot_be_published(api, course):
    response = api.post(f"/api/admin/course/{course.pk}/publish")
    assert response.status_code == 409
    assert error_of(response)["code"] == "course_has_no_lessons"


def test_deleting_a_draft_deletes_it_and_its_content(api, course, lesson, question):
    assert api.delete(f"/api/admin/course/{course.pk}").status_code == 204
    assert (
        not Course.objects.exists()
        and not Lesson.objects.exists()
        and not Question.objects.exists()
    )
    deleted = {(row.entity_type, row.entity_id) for row in audit_rows(action_type="DELETE")}
    assert deleted == {
        ("COURSE", course.pk),
        ("MODULE", lesson.module_id),
        ("LESSON", lesson.pk),
        ("TEST", question.test_id),
        ("QUESTION", question.pk),
    }


@pytest.mark.parametrize("unpublish_first", [False, True], ids=["published", "was-published"])
def test_deleting_a_course_that_is_or_was_published_archives_it(
    api, course, lesson, unpublish_first
):
    api.post(f"/api/admin/course/{course.pk}/publish")
    if unpublish_first:
        api.post(f"/api/admin/course/{course.pk}/unpublish")
    assert api.delete(f"/api/admin/course/{course.pk}").status_code == 204
    course.refresh_from_db()
    assert (course.is_archived, course.is_published) == (True, False)
    assert course.archived_at is not None
    assert Lesson.objects.filter(pk=lesson.pk).exists(), "what students earned stays verifiable"
    (row,) = audit_rows(entity_type="COURSE", action_type="DELETE")
    assert row.changes["is_archived"] == {"old": False, "new": True}
    assert api.get("/api/admin/course?state=published").json()["count"] == 0
    assert api.get("/api/admin/course?state=archived").json()["count"] == 1
    # Archived courses stay archived: not republished, not edited.
    assert error_of(api.post(f"/api/admin/course/{course.pk}/publish"))["code"] == "course_archived"
    assert (
        api.put(f"/api/admin/course/{course.pk}", {"title": "x"}, format="json").status_code == 409
    )
    assert api.delete(f"/api/admin/course/{course.pk}").status_code == 204
    assert len(audit_rows(entity_type="COURSE", action_type="DELETE")) == 1


# --- who may call ---------------------------------------------------------------------------

ROUTES = [
    ("get", "/api/admin/course"),
    ("post", "/api/admin/course"),
    ("put", "/api/admin/course/1"),
    ("delete", "/api/admin/course/1"),
    ("post", "/api/admin/course/pricing"),
    ("post", "/api/admin/certificate/rules"),
    ("post", "/api/admin/project"),
    ("post", "/api/admin/test"),
    ("get", "/api/admin/audit-log"),
    ("put", "/api/admin/settings"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_student_gets_403(student, course, method, path):
    client = APIClient()
    client.force_authenticate(user=student)
    response = getattr(client, method)(path, {}, format="json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert not audit_rows()


# --- lists: filters, pages and bounded queries ------------------------------------------


def test_lists_filter_by_parent(api, course, module, lesson):
    ModuleFactory(course__title="Other", course__published=False, title="Elsewhere", order=1)
    assert api.get(f"/api/admin/module?course_id={course.pk}").json()["count"] == 1
    assert api.get("/api/admin/module").json()["count"] == 2
    assert (
        api.get(f"/api/admin/lesson?module_id={module.pk}").json()["results"][0]["id"] == lesson.pk
    )
    assert api.get("/api/admin/course?state=draft").json()["count"] == 2
    assert api.get("/api/admin/course?state=nonsense").status_code == 400


LISTS = [
    "course",
    "module",
    "lesson",
    "lab",
    "test",
    "question",
    "project",
    "certificate/rules",
    "pricing/action",
    "credit-pack",
    "plan",
    "voucher",
    "audit-log",
]


@pytest.fixture
def many_rows(api, admin):
    """Several rows of everything, made through the API so audit rows pile up too."""
    for n in range(4):
        course = api.post("/api/admin/course", {"title": f"C{n}"}, format="json").json()
        module = api.post(
            "/api/admin/module",
            {"course_id": course["id"], "title": "M", "order": 1},
            format="json",
        ).json()
        api.post(
            "/api/admin/lesson",
            {"module_id": module["id"], "title": "L", "content": "c", "order": 1},
            format="json",
        )
        api.post("/api/admin/lab", {"course_id": course["id"], **LAB_BASE}, format="json")
        test = api.post(
            "/api/admin/test",
            {**midterm_payload(Course(pk=course["id"]), GOOD_QUESTION)},
            format="json",
        ).json()
        api.post(
            "/api/admin/question",
            {**GOOD_QUESTION, "order": 2, "test_id": test["id"]},
            format="json",
        )
        project = api.post(
            "/api/admin/project",
            {"course_id": course["id"], "title": "P", "description": "d"},
            format="json",
        ).json()
        api.post(
            "/api/admin/certificate/rules",
            {
                "course_id": course["id"],
                "required_test_ids": [test["id"]],
                "required_project_ids": [project["id"]],
            },
            format="json",
        )
        api.post(
            "/api/admin/credit-pack",
            {"name": f"P{n}", "credits": 10, "price_paise": 1000},
            format="json",
        )
        api.post(
            "/api/admin/plan",
            {"name": f"Plan{n}", "price_paise": 100, "period": "monthly"},
            format="json",
        )
        api.post(
            "/api/admin/voucher",
            {
                "code": f"CODE{n}",
                "credits": 1,
                "valid_from": at(1),
                "valid_until": at(2),
                "max_redemptions": 1,
            },
            format="json",
        )
    api.post("/api/admin/pricing/action", {"action": "lab_run", "credits": 1}, format="json")
    api.post("/api/admin/pricing/action", {"action": "tutor_question", "credits": 1}, format="json")


@pytest.mark.parametrize("path", LISTS)
def test_list_queries_do_not_grow_with_rows(api, many_rows, django_assert_max_num_queries, path):
    # Queries: the page's count, the page, and one per prefetched relation (certificate rules
    # prefetch three); authentication is forced, so no user query.
    with django_assert_max_num_queries(5):
        response = api.get(f"/api/admin/{path}")
    assert response.status_code == 200
    assert response.json()["count"] >= 2


def test_lists_are_paged(api, many_rows):
    first = api.get("/api/admin/course?page_size=3").json()
    assert (first["count"], len(first["results"])) == (4, 3)
    assert first["next"]
    second = api.get("/api/admin/course?page_size=3&page=2").json()
    assert len(second["results"]) == 1


def test_an_undeclared_method_is_405_before_credentials_are_checked(client):
    response = client.generic("TRACE", "/api/admin/course")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert client.patch("/api/admin/course/1").status_code == 405
