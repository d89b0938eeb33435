"""GET /api/learning/lesson/:id and POST .../complete: enrolled students only."""

import pytest

from guru.models import Lesson, Module
from guru.services.version import content_version_bump
from learning.models import LessonCompletion
from tests.factories import EnrollmentFactory, LessonFactory, StudentFactory
from tests.guru.catalogue import assessments_for, course_with_content
from tests.learning.core_helpers import (
    assert_no_answer_material,
    logged_in,
)

pytestmark = pytest.mark.usefixtures("guru_in_process")


def lesson_path(lesson_id: int) -> str:
    return f"/api/learning/lesson/{lesson_id}"


def reading_order(course) -> list[Lesson]:
    return list(
        Lesson.objects.filter(module__course=course).order_by("module__order", "order", "id")
    )


def test_lesson_has_content_and_navigation_across_modules_in_their_order():
    course = course_with_content(modules=2, lessons=2)
    # Module 0 now comes last: navigation follows Guru's order, not creation order.
    Module.objects.filter(course=course, order=0).update(order=5)
    lessons = reading_order(course)
    assert [lesson.title for lesson in lessons] == [
        "Lesson 1.0",
        "Lesson 1.1",
        "Lesson 0.0",
        "Lesson 0.1",
    ]
    student = StudentFactory()
    EnrollmentFactory(user=student, course_id=course.pk)
    client = logged_in(student)

    first = client.get(lesson_path(lessons[0].pk)).json()
    assert first["title"] == "Lesson 1.0" and first["content"] == "Content 1.0"
    assert first["course"] == {"id": course.pk, "title": "Python"}
    assert first["module"]["title"] == "Module 1"
    assert first["previous"] is None
    assert first["next"] == {"id": lessons[1].pk, "title": "Lesson 1.1"}

    crossing = client.get(lesson_path(lessons[1].pk)).json()
    assert crossing["next"] == {"id": lessons[2].pk, "title": "Lesson 0.0"}

    last = client.get(lesson_path(lessons[3].pk)).json()
    assert last["previous"] == {"id": lessons[2].pk, "title": "Lesson 0.0"}
    assert last["next"] is None
    assert last["completed"] is False and last["completed_at"] is None


def test_completing_a_lesson_is_idempotent_and_shows_in_the_lesson():
    course = course_with_content()
    lesson = reading_order(course)[0]
    student = StudentFactory()
    EnrollmentFactory(user=student, course_id=course.pk)
    client = logged_in(student)
    first = client.post(f"{lesson_path(lesson.pk)}/complete")
    again = client.post(f"{lesson_path(lesson.pk)}/complete")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["completed"] is True and first.json()["course_id"] == course.pk
    assert LessonCompletion.objects.filter(user=student, lesson_id=lesson.pk).count() == 1
    shown = client.get(lesson_path(lesson.pk)).json()
    assert shown["completed"] is True
    assert shown["completed_at"] == first.json()["completed_at"]


def test_a_student_not_enrolled_gets_403_not_enrolled_and_completes_nothing():
    course = course_with_content()
    lesson = reading_order(course)[0]
    client = logged_in(StudentFactory())
    for response in (
        client.get(lesson_path(lesson.pk)),
        client.post(f"{lesson_path(lesson.pk)}/complete"),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_enrolled"
    assert not LessonCompletion.objects.exists()


def test_unknown_and_unpublished_lessons_are_404():
    draft = course_with_content(title="Draft", published=False)
    course_with_content()
    student = StudentFactory()
    # Even an enrollment does not reveal a withdrawn course.
    EnrollmentFactory(user=student, course_id=draft.pk)
    client = logged_in(student)
    for lesson_id in (reading_order(draft)[0].pk, 999999):
        response = client.get(lesson_path(lesson_id))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "lesson_not_found"
        assert client.post(f"{lesson_path(lesson_id)}/complete").status_code == 404


def test_a_lesson_added_in_guru_is_found_once_the_catalogue_changes(settings):
    course = course_with_content(modules=1, lessons=1)
    student = StudentFactory()
    EnrollmentFactory(user=student, course_id=course.pk)
    client = logged_in(student)
    assert client.get(lesson_path(reading_order(course)[0].pk)).status_code == 200
    added = LessonFactory(module=course.modules.get(), title="New", content="Fresh", order=9)
    # Guru's version moves with the write (an admin's goes through guru.services); the lesson
    # index is kept, and the catalogue's new ETag is what makes the next lookup rebuild it.
    content_version_bump()
    settings.GURU_VERSION_MAX_AGE_SECONDS = 0  # read the version now, not within the second
    response = client.get(lesson_path(added.pk))
    assert response.status_code == 200 and response.json()["content"] == "Fresh"


def test_lesson_reads_are_bounded_and_an_unknown_id_never_rescans_guru(
    django_assert_max_num_queries,
):
    course = course_with_content()
    lesson = reading_order(course)[0]
    student = StudentFactory()
    EnrollmentFactory(user=student, course_id=course.pk)
    client = logged_in(student)
    client.get(lesson_path(lesson.pk))  # builds the lesson index and Guru's cached copies
    # 1 session, 2 user, 3 enrollment check, 4 the student's completion of the lesson.
    with django_assert_max_num_queries(4):
        assert client.get(lesson_path(lesson.pk)).status_code == 200
    # 1 session, 2 user: the index answers, no course is read again.
    with django_assert_max_num_queries(2):
        assert client.get(lesson_path(999999)).status_code == 404


def test_lesson_responses_carry_no_answer_material_or_tutor_context():
    course = course_with_content()
    assessments_for(course)
    lesson = reading_order(course)[0]
    student = StudentFactory()
    EnrollmentFactory(user=student, course_id=course.pk)
    client = logged_in(student)
    got = client.get(lesson_path(lesson.pk))
    assert "tutor_context" not in got.json()
    assert_no_answer_material(got, client.post(f"{lesson_path(lesson.pk)}/complete"))
