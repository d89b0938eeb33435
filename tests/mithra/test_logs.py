"""What a whole ask leaves in the logs: never the question text, never the OpenAI key."""

import logging

import pytest

from tests.fakes.openai import API_KEY
from tests.logs import everything_logged
from tests.mithra.helpers import ask

pytestmark = pytest.mark.django_db

QUESTION = "My secret worry: is recursion just a loop in disguise?"


def test_logs_of_an_ask_hold_neither_the_question_nor_the_api_key(
    openai_fake, enrolled, student_client, lesson, caplog
):
    caplog.set_level(logging.DEBUG)  # the root at DEBUG: only the configured loggers hold back
    body = {"course_id": lesson.module.course_id, "lesson_id": lesson.pk, "question": QUESTION}

    answered = ask(student_client, body)
    openai_fake.fail_next(500)
    failed = ask(student_client, body)
    openai_fake.api_key = "sk-a-key-openai-does-not-know-000"  # OpenAI refuses ours: logged
    refused = ask(student_client, body)

    assert (answered.status_code, failed.status_code, refused.status_code) == (200, 503, 503)
    logged = everything_logged(caplog.records)
    assert "tutor answered" in logged and "openai refused the configured" in logged
    assert QUESTION not in logged and "recursion" not in logged
    assert API_KEY not in logged
