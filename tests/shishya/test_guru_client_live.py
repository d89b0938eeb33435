"""The Guru client against the real Guru public API of this project, over HTTP."""

import pytest

from guru.models import ApiKey, Lesson
from shishya.errors import GuruMisconfigured, GuruNotFound
from shishya.guru_client import guru_client
from tests.guru.catalogue import assessments_for, course_with_content

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def statuses():
    """Every status Guru answered the client with (a response hook: the real code path)."""
    seen: list[int] = []
    session = guru_client().session
    hook = lambda response, *args, **kwargs: seen.append(response.status_code)  # noqa: E731
    session.hooks["response"].append(hook)
    yield seen
    session.hooks["response"].remove(hook)


def test_reads_published_content_with_answers_for_its_grading_key(real_guru):
    course = course_with_content()
    assessments_for(course)
    course_with_content(title="Draft", published=False)
    client = guru_client()
    assert [c["title"] for c in client.courses()] == ["Python"]
    detail = client.course(course.pk)
    assert detail["modules"][0]["lessons"][0]["tutor_context"] == "Explain 0.0 simply"
    assert client.course_tests(course.pk)[0]["questions"][0]["correct_answer"] == 1
    assert client.course_labs(course.pk)[0]["expected_output"] == "hi"


def test_unpublished_course_is_guru_not_found(real_guru):
    draft = course_with_content(published=False)
    with pytest.raises(GuruNotFound):
        guru_client().course(draft.pk)


def test_expired_copy_revalidates_with_304_and_sees_changes(real_guru, settings, statuses):
    course = course_with_content()
    client = guru_client()
    client.course(course.pk)
    settings.GURU_CACHE_TTLS = {**settings.GURU_CACHE_TTLS, "course": 0}
    client.course(course.pk)
    Lesson.objects.filter(module__course=course, order=0).update(title="Changed")
    assert client.course(course.pk)["modules"][0]["lessons"][0]["title"] == "Changed"
    assert statuses == [200, 304, 200]


def test_guru_going_down_after_warm_cache_serves_the_copy(real_guru, settings):
    course_with_content()
    assert len(guru_client().courses()) == 1
    settings.GURU_CACHE_TTLS = {**settings.GURU_CACHE_TTLS, "catalog": 0}
    settings.GURU_BASE_URL = "http://127.0.0.1:9"  # Guru is gone
    assert len(guru_client().courses()) == 1


def test_revoked_key_is_an_operator_problem(real_guru):
    from django.utils import timezone

    ApiKey.objects.update(revoked_at=timezone.now())
    with pytest.raises(GuruMisconfigured):
        guru_client().pricing()
