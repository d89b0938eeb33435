"""GET /api/courses and /api/courses/:id: Guru's catalogue as students see it."""

import pytest

from learning.models import LessonCompletion
from tests.factories import EnrollmentFactory, StudentFactory
from tests.guru.catalogue import api_key, assessments_for, course_with_content

pytestmark = pytest.mark.django_db(transaction=True)
ANSWER_MATERIAL = (
    "correct_answer",
    "explanation",
    "solution_code",
    "expected_output",
    "expected_pattern",
    "evaluation_notes",
    "tutor_context",
    "Secret rubric",
)


@pytest.fixture(autouse=True)
def guru(live_server, settings):
    settings.GURU_BASE_URL = live_server.url
    settings.GURU_API_KEY = api_key("catalog", "grading")


def test_anonymous_catalogue_lists_published_courses_without_student_state(client):
    course = course_with_content()
    assessments_for(course)
    course_with_content(title="Draft", published=False)
    first = client.get("/api/courses")
    body = first.json()
    assert first.status_code == 200 and [c["title"] for c in body] == ["Python"]
    assert body[0]["enrolled"] is False and body[0]["progress"] is None
    assert body[0]["lesson_count"] == 6 and body[0]["credit_cost"] == 30
    assert client.get("/api/courses").content == first.content  # served from rendered bytes


def test_catalogue_shows_the_students_enrollment_and_progress(client):
    course = course_with_content()
    other = course_with_content(title="Other")
    student = StudentFactory(email="s@example.com")
    EnrollmentFactory(user=student, course_id=course.pk)
    lesson_ids = list(course.modules.first().lessons.values_list("id", flat=True))
    for lesson_id in lesson_ids[:3]:
        LessonCompletion.objects.create(user=student, course_id=course.pk, lesson_id=lesson_id)
    client.force_login(student)
    by_id = {c["id"]: c for c in client.get("/api/courses").json()}
    assert by_id[course.pk]["enrolled"] is True
    assert by_id[course.pk]["progress"] == {
        "completed_lessons": 3,
        "total_lessons": 6,
        "percent": 50,
    }
    assert by_id[other.pk]["enrolled"] is False and by_id[other.pk]["progress"] is None
    detail = client.get(f"/api/courses/{course.pk}").json()
    assert detail["enrolled"] is True and detail["progress"]["percent"] == 50


def test_course_detail_is_an_outline_without_content_or_answers(client):
    course = course_with_content()
    assessments_for(course)
    response = client.get(f"/api/courses/{course.pk}")
    assert response.status_code == 200
    lesson = response.json()["modules"][0]["lessons"][0]
    assert set(lesson) == {"id", "title", "order"}
    text = response.content.decode() + client.get("/api/courses").content.decode()
    assert not [word for word in ANSWER_MATERIAL if word in text]


def test_unknown_or_unpublished_course_is_404(client):
    draft = course_with_content(published=False)
    for course_id in (draft.pk, 999999):
        response = client.get(f"/api/courses/{course_id}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_guru_down_without_a_copy_is_503_guru_unavailable(client, settings):
    settings.GURU_BASE_URL = "http://127.0.0.1:9"
    response = client.get("/api/courses")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "guru_unavailable"
