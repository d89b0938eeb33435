"""Students, credits and JSON checks shared by the enrollment, lesson, project and portfolio
tests."""

import json
from collections.abc import Iterator
from typing import Any

from django.test import Client

# Words that only answer material (or graders' and tutors' notes) would bring into a response.
ANSWER_MATERIAL = (
    "correct_answer",
    "explanation",
    "solution_code",
    "expected_output",
    "expected_pattern",
    "evaluation_notes",
    "tutor_context",
    "Secret rubric",
    "Explain 0.0 simply",
)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_no_answer_material(*responses) -> None:
    text = "".join(response.content.decode() for response in responses)
    assert [word for word in ANSWER_MATERIAL if word in text] == []


def json_values(document: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, scalar value) in a JSON document, at any depth."""
    if isinstance(document, dict):
        for key, value in document.items():
            if isinstance(value, dict | list):
                yield from json_values(value)
            else:
                yield key, value
    elif isinstance(document, list):
        for item in document:
            yield from json_values(item)


def body_text(response) -> str:
    return json.dumps(response.json())
