from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from guru.models import ApiKey, Course, Lab, Lesson, Module
from tests.factories import AdminFactory, CourseFactory, LabFactory, LessonFactory, ModuleFactory
from tests.guru.catalogue import api_key, assessments_for, course_with_content, pricing

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_client():
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key("catalog"))
    return client


@pytest.fixture
def grading_client():
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key("catalog", "grading"))
    return client


def error_code(response) -> str:
    return response.json()["error"]["code"]


class TestApiKeys:
    def test_missing_key_is_401(self, client):
        response = client.get("/api/public/courses")
        assert response.status_code == 401 and error_code(response) == "api_key_missing"

    @pytest.mark.parametrize("key", ["ais_" + "0" * 64, "not-a-key", "ais_" + "g" * 64])
    def test_unknown_or_malformed_key_is_401(self, client, key):
        response = client.get("/api/public/courses", HTTP_X_API_KEY=key)
        assert response.status_code == 401 and error_code(response) == "api_key_invalid"

    def test_revoked_key_is_403(self, client):
        key = api_key()
        ApiKey.objects.update(revoked_at=timezone.now())
        response = client.get("/api/public/courses", HTTP_X_API_KEY=key)
        assert response.status_code == 403 and error_code(response) == "api_key_revoked"

    def test_expired_key_is_403(self, client):
        key = api_key()
        ApiKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        response = client.get("/api/public/courses", HTTP_X_API_KEY=key)
        assert response.status_code == 403 and error_code(response) == "api_key_expired"

    def test_key_without_catalog_scope_is_403(self, client):
        response = client.get("/api/public/courses", HTTP_X_API_KEY=api_key("grading"))
        assert response.status_code == 403 and error_code(response) == "api_key_scope_missing"

    def test_key_is_stored_only_as_keyed_hash_and_last_use_recorded(self, catalog_client):
        stored = ApiKey.objects.get()
        assert stored.last_used_at is None
        plain = catalog_client._credentials["HTTP_X_API_KEY"]
        assert plain.startswith("ais_") and len(plain) == 68
        assert plain not in stored.key_hash and stored.prefix == plain[:12]
        catalog_client.get("/api/public/courses")
        assert ApiKey.objects.get().last_used_at is not None

    def test_read_only(self, catalog_client):
        assert catalog_client.post("/api/public/courses", {}).status_code == 405

    def test_rate_limited_per_key(self, catalog_client, settings):
        settings.GURU_PUBLIC_API_RATE = "3/m"
        statuses = [catalog_client.get("/api/public/pricing").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        other = APIClient()
        other.credentials(HTTP_X_API_KEY=api_key())
        assert other.get("/api/public/pricing").status_code == 200

    def test_management_command_prints_a_working_key_once(self, client, capsys):
        call_command("create_api_key", "--name", "shishya", "--scopes", "catalog,grading")
        key = capsys.readouterr().out.strip()
        assert client.get("/api/public/pricing", HTTP_X_API_KEY=key).status_code == 200
        assert ApiKey.objects.get().scopes == ["catalog", "grading"]


class TestCatalogue:
    def test_only_published_courses_are_listed_with_counts(self, catalog_client):
        course = course_with_content()
        assessments_for(course)
        course_with_content(title="Draft", published=False)
        archived = course_with_content(title="Archived")
        Course.objects.filter(pk=archived.pk).update(is_published=False, is_archived=True)
        body = catalog_client.get("/api/public/courses").json()
        assert [c["title"] for c in body] == ["Python"]
        assert {k: body[0][k] for k in body[0] if k.endswith("_count")} == {
            "module_count": 2,
            "lesson_count": 6,
            "lab_count": 1,
            "test_count": 1,
            "project_count": 1,
        }

    def test_unpublished_course_is_404_everywhere(self, catalog_client):
        draft = course_with_content(published=False)
        for suffix in ("", "/tests", "/labs", "/projects", "/certificate-rules"):
            response = catalog_client.get(f"/api/public/courses/{draft.pk}{suffix}")
            assert response.status_code == 404, suffix
            assert error_code(response) == "course_not_found"

    def test_detail_has_modules_lessons_and_tutor_context(self, catalog_client):
        course = course_with_content()
        body = catalog_client.get(f"/api/public/courses/{course.pk}").json()
        assert body["skills"] == ["python"] and body["credit_cost"] == 30
        assert [m["order"] for m in body["modules"]] == [0, 1]
        lesson = body["modules"][1]["lessons"][2]
        assert lesson["title"] == "Lesson 1.2" and lesson["tutor_context"] == "Explain 1.2 simply"


class TestAnswerMaterial:
    def test_catalog_key_never_sees_answers(self, catalog_client):
        course = course_with_content()
        assessments_for(course)
        responses = {
            part: catalog_client.get(f"/api/public/courses/{course.pk}/{part}").json()
            for part in ("tests", "labs", "projects")
        }
        question = responses["tests"][0]["questions"][0]
        assert "correct_answer" not in question and "explanation" not in question
        lab = responses["labs"][0]
        assert not {"solution_code", "expected_output", "expected_pattern"} & set(lab)
        assert "evaluation_notes" not in responses["projects"][0]
        everything = str(responses)
        assert "Because arithmetic" not in everything and "Secret rubric" not in everything
        assert "print('hi')" not in everything

    def test_grading_key_sees_answers(self, grading_client):
        course = course_with_content()
        assessments_for(course)
        tests = grading_client.get(f"/api/public/courses/{course.pk}/tests").json()
        labs = grading_client.get(f"/api/public/courses/{course.pk}/labs").json()
        projects = grading_client.get(f"/api/public/courses/{course.pk}/projects").json()
        assert tests[0]["questions"][0]["correct_answer"] == 1
        assert labs[0]["solution_code"] == "print('hi')" and labs[0]["expected_output"] == "hi"
        assert projects[0]["evaluation_notes"] == "Secret rubric"

    def test_certificate_rules(self, catalog_client):
        course = course_with_content()
        test, lab, _ = assessments_for(course)
        body = catalog_client.get(f"/api/public/courses/{course.pk}/certificate-rules").json()
        assert body["required_test_ids"] == [test.pk] and body["required_lab_ids"] == [lab.pk]
        other = course_with_content(title="No rules")
        response = catalog_client.get(f"/api/public/courses/{other.pk}/certificate-rules")
        assert response.status_code == 404


class TestPricingVouchersSettings:
    def test_pricing(self, catalog_client):
        pricing()
        body = catalog_client.get("/api/public/pricing").json()
        assert body["actions"] == [
            {"action": "lab_run", "credits": 1, "directly_chargeable": True},
            {"action": "tutor_question", "credits": 2, "directly_chargeable": False},
        ]
        assert body["credit_packs"][0] | {"id": 0} == {
            "id": 0,
            "name": "Starter",
            "credits": 100,
            "price_paise": 9900,
            "currency": "INR",
        }
        plan = body["plans"][0]
        assert plan["period_days"] == 30 and plan["features"] == {"tutor_unlimited": True}

    def test_voucher_lookup_by_code_only(self, catalog_client):
        pricing()
        body = catalog_client.get("/api/public/vouchers/welcome10").json()
        assert body["code"] == "WELCOME10" and body["credits"] == 10 and body["active"] is True
        assert catalog_client.get("/api/public/vouchers/NOPE").status_code == 404
        assert catalog_client.get("/api/public/vouchers/").status_code == 404

    def test_settings(self, catalog_client):
        body = catalog_client.get("/api/public/settings").json()
        assert set(body) == {"welcome_credits", "tutor", "updated_at"}
        assert set(body["tutor"]) == {
            "enabled",
            "daily_question_cap",
            "model",
            "max_question_length",
        }


class TestETags:
    def test_conditional_get_answers_304_without_body(self, catalog_client):
        course_with_content()
        first = catalog_client.get("/api/public/courses")
        etag = first["ETag"]
        again = catalog_client.get("/api/public/courses", HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag

    def test_content_change_changes_the_etag(self, catalog_client):
        course = course_with_content()
        etag = catalog_client.get(f"/api/public/courses/{course.pk}")["ETag"]
        Lesson.objects.filter(module__course=course, order=0).update(title="Renamed")
        response = catalog_client.get(f"/api/public/courses/{course.pk}", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200 and response["ETag"] != etag

    def test_change_through_the_admin_api_changes_the_etag(self, catalog_client, django_user_model):
        course = course_with_content()
        etag = catalog_client.get(f"/api/public/courses/{course.pk}")["ETag"]
        admin = APIClient()
        admin.force_authenticate(AdminFactory(email="a@x.io"))
        response = admin.put(
            f"/api/admin/course/{course.pk}",
            {
                "title": "Python 2",
                "description": "",
                "level": "beginner",
                "skills": ["python"],
                "thumbnail_url": "",
                "credit_cost": 30,
                "is_free": False,
                "academic_credits": 4,
            },
            format="json",
        )
        assert response.status_code == 200, response.content
        after = catalog_client.get(f"/api/public/courses/{course.pk}", HTTP_IF_NONE_MATCH=etag)
        assert after.status_code == 200 and after.json()["title"] == "Python 2"


@pytest.fixture
def large_catalogue(db):
    """50 courses x 8 modules x 6 lessons, each with labs and a test (built by the factories,
    saved in bulk)."""
    courses = Course.objects.bulk_create(
        CourseFactory.build(title=f"Course {c}") for c in range(50)
    )
    modules = Module.objects.bulk_create(
        ModuleFactory.build(course=course, order=m) for course in courses for m in range(8)
    )
    Lesson.objects.bulk_create(
        LessonFactory.build(module=module, order=n) for module in modules for n in range(6)
    )
    Lab.objects.bulk_create(
        LabFactory.build(course=course, title=f"Lab {n}", order=n + 1)
        for course in courses
        for n in range(3)
    )
    for course in courses[:3]:
        assessments_for(course)
    return courses


def test_query_counts_do_not_grow_with_the_catalogue(
    grading_client, large_catalogue, django_assert_max_num_queries
):
    course = large_catalogue[0]
    # key lookup, last-use update (at most once a minute), courses with their counts
    with django_assert_max_num_queries(3):
        body = grading_client.get("/api/public/courses").json()
    assert len(body) == 50 and body[10]["lesson_count"] == 48
    with django_assert_max_num_queries(4):  # key, course, modules, lessons
        detail = grading_client.get(f"/api/public/courses/{course.pk}").json()
    assert sum(len(m["lessons"]) for m in detail["modules"]) == 48
    with django_assert_max_num_queries(4):  # key, course exists, tests, questions
        grading_client.get(f"/api/public/courses/{course.pk}/tests")
    with django_assert_max_num_queries(3):  # key, course exists, labs
        assert len(grading_client.get(f"/api/public/courses/{course.pk}/labs").json()) == 4
    with django_assert_max_num_queries(6):  # key, course exists, rule, 3 requirement lists
        grading_client.get(f"/api/public/courses/{course.pk}/certificate-rules")
    with django_assert_max_num_queries(4):  # key, actions, packs, plans
        grading_client.get("/api/public/pricing")
