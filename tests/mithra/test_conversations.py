"""GET /api/mithra/conversations and /api/mithra/conversations/:id: the student's own history."""

import pytest
from django.test import Client

from mithra.models import Conversation
from tests.factories import EnrollmentFactory, StudentFactory
from tests.mithra.helpers import ask
from tests.wallets import fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_conversation(openai_fake, course, lesson):
    other = StudentFactory(email="other@example.com", verified=True)
    EnrollmentFactory(user=other, course_id=course.pk)
    fund(other, 10)
    client = Client()
    client.force_login(other)
    body = {"course_id": course.pk, "lesson_id": lesson.pk, "question": "Their private question"}
    response = ask(client, body)
    assert response.status_code == 200, response.content
    return Conversation.objects.get(user=other)


def test_list_shows_only_the_students_conversations_newest_first(
    openai_fake, enrolled, student_client, lesson, lab, other_conversation
):
    first = ask(
        student_client,
        {"course_id": lesson.module.course_id, "lesson_id": lesson.pk, "question": "A?"},
    ).json()["conversation"]
    second = ask(
        student_client, {"course_id": lab.course_id, "lab_id": lab.pk, "question": "B?"}
    ).json()["conversation"]

    body = student_client.get("/api/mithra/conversations").json()
    assert [c["id"] for c in body["results"]] == [second["id"], first["id"]]
    assert other_conversation.pk not in [c["id"] for c in body["results"]]


def test_detail_holds_the_messages_in_order(openai_fake, enrolled, student_client, lesson):
    body = {"course_id": lesson.module.course_id, "lesson_id": lesson.pk, "question": "A?"}
    conversation_id = ask(student_client, body).json()["conversation"]["id"]
    ask(student_client, {**body, "question": "B?", "conversation_id": conversation_id})

    detail = student_client.get(f"/api/mithra/conversations/{conversation_id}").json()
    assert detail["lesson_id"] == lesson.pk and detail["lab_id"] is None
    assert [(m["role"], m["content"]) for m in detail["messages"]] == [
        ("user", "A?"),
        ("assistant", openai_fake.answer),
        ("user", "B?"),
        ("assistant", openai_fake.answer),
    ]


def test_another_students_conversation_is_404(
    openai_fake, enrolled, student_client, other_conversation
):
    response = student_client.get(f"/api/mithra/conversations/{other_conversation.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "conversation_not_found"
    assert "private" not in response.content.decode()


def test_asking_into_another_students_conversation_is_404(
    openai_fake, enrolled, student_client, lesson, other_conversation
):
    body = {
        "course_id": lesson.module.course_id,
        "lesson_id": lesson.pk,
        "question": "Hi?",
        "conversation_id": other_conversation.pk,
    }
    response = ask(student_client, body)
    assert response.status_code == 404
    assert other_conversation.messages.count() == 2


def test_unknown_or_huge_conversation_id_is_404(student_client):
    for conversation_id in (999999, 2**63, 10**30):
        response = student_client.get(f"/api/mithra/conversations/{conversation_id}")
        assert response.status_code == 404


def test_history_needs_a_session(client):
    assert client.get("/api/mithra/conversations").status_code == 401
    assert client.get("/api/mithra/conversations/1").status_code == 401


def test_history_query_counts_do_not_grow_with_the_history(
    openai_fake, enrolled, student_client, lesson, django_assert_num_queries
):
    fund(enrolled, 100)
    body = {"course_id": lesson.module.course_id, "lesson_id": lesson.pk, "question": "A?"}
    conversation_id = ask(student_client, body).json()["conversation"]["id"]
    for n in range(3):
        ask(student_client, {**body, "question": f"Q{n}?", "conversation_id": conversation_id})
        ask(student_client, {**body, "question": f"New {n}?"})

    # The user (the session comes from the cache), the page's count, the page.
    with django_assert_num_queries(3):
        assert len(student_client.get("/api/mithra/conversations").json()["results"]) == 4
    # The user (the session comes from the cache), the conversation, its messages.
    with django_assert_num_queries(3):
        detail = student_client.get(f"/api/mithra/conversations/{conversation_id}").json()
    assert len(detail["messages"]) == 8
