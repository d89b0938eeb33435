"""POST /api/mithra/ask as Server-Sent Events (Accept: text/event-stream), streamed through the
real SDK from a local OpenAI that streams; and, under a real ASGI server, what only streaming
shows: pieces before the end, a student leaving mid-answer, another student not kept waiting."""

import json
import os
import threading
from contextlib import ExitStack
from datetime import timedelta

import pytest
import requests
import requests.adapters
from asgiref.sync import async_to_sync
from django.db import connection
from django.test import Client
from django.utils import timezone

from guru.models import PlatformSettings
from learning.models import TestAttempt
from mithra.models import Ask, Message
from mithra.selectors import hold_seconds
from tests.asgi_server import asgi_server, events
from tests.factories import EnrollmentFactory, StudentFactory
from tests.fakes.openai import ANSWER
from tests.mithra.helpers import ask, charged
from tests.wallets import balance, fund

QUESTION = "Why does my variable forget its value between lessons?"
STREAM = {"HTTP_ACCEPT": "text/event-stream"}


def about(lesson, **extra):
    return {"course_id": lesson.module.course_id, "lesson_id": lesson.pk, "question": QUESTION}


def read_events(response) -> list[tuple[str, dict]]:
    """A streamed response of the test client, read to its end."""

    async def read() -> bytes:
        return b"".join([piece async for piece in response.streaming_content])

    parsed = []
    for block in async_to_sync(read)().decode().split("\n\n"):
        if block.strip():
            name, data = block.split("\n", 1)
            parsed.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return parsed


def open_attempt(student, course) -> TestAttempt:
    now = timezone.now()
    return TestAttempt.objects.create(
        user=student,
        course_id=course.pk,
        test_id=course.tests.get().pk,
        attempt_number=1,
        max_attempts=3,
        questions=[],
        started_at=now,
        deadline=now + timedelta(minutes=10),
    )


@pytest.mark.django_db
class TestStreamedAnswer:
    def test_pieces_then_one_final_event_with_the_charge(
        self, openai_fake, enrolled, student_client, lesson
    ):
        response = ask(student_client, about(lesson), **STREAM)

        assert response.status_code == 200
        assert response["Content-Type"] == "text/event-stream"
        streamed = read_events(response)
        deltas = [data["content"] for name, data in streamed if name == "delta"]
        assert deltas and "".join(deltas) == ANSWER
        name, done = streamed[-1]
        assert name == "done" and [n for n, _ in streamed].count("done") == 1
        assert done["credits_charged"] == 2 and done["balance"] == 8
        assert done["answer"]["content"] == ANSWER and done["question"]["content"] == QUESTION
        assert charged(enrolled) == 2 and Message.objects.count() == 2
        assert openai_fake.completions[0]["stream"] is True

    def test_model_failure_after_the_first_piece_ends_in_an_error_event_and_charges_nothing(
        self, openai_fake, enrolled, student_client, lesson
    ):
        openai_fake.break_after_first_chunk()
        streamed = read_events(ask(student_client, about(lesson), **STREAM))

        assert [name for name, _ in streamed] == ["delta", "error"]
        assert streamed[-1][1]["error"]["code"] == "tutor_upstream_error"
        assert charged(enrolled) == 0 and balance(enrolled) == 10
        assert not Message.objects.exists()
        assert Ask.objects.get().status == Ask.Status.FAILED

    def test_model_failure_after_the_first_piece_is_503_without_the_header(
        self, openai_fake, enrolled, student_client, lesson
    ):
        openai_fake.break_after_first_chunk()
        response = ask(student_client, about(lesson))
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "tutor_upstream_error"
        assert charged(enrolled) == 0

    def test_an_answer_past_its_deadline_is_not_charged(
        self, openai_fake, enrolled, student_client, lesson, settings
    ):
        # Each piece comes within the SDK's timeout; the whole answer does not.
        settings.MITHRA_ANSWER_DEADLINE_SECONDS = 0.5
        openai_fake.chunk_delay = 0.2
        streamed = read_events(ask(student_client, about(lesson), **STREAM))
        name, body = streamed[-1]
        assert name == "error" and body["error"]["code"] == "tutor_timeout"
        assert body["error"]["details"] == {"reason": "timeout"}
        json_answer = ask(student_client, about(lesson))
        assert json_answer.status_code == 504
        assert charged(enrolled) == 0 and not Message.objects.exists()

    def test_the_hold_outlives_the_answers_deadline(self, settings):
        settings.MITHRA_ANSWER_DEADLINE_SECONDS = 45
        assert hold_seconds() > 45

    def test_the_same_key_replays_the_stored_answer_streamed_or_as_json(
        self, openai_fake, enrolled, student_client, lesson
    ):
        first = read_events(ask(student_client, about(lesson), key="question-0001", **STREAM))
        again = ask(student_client, about(lesson), key="question-0001", **STREAM)
        as_json = ask(student_client, about(lesson), key="question-0001")

        assert again["Idempotent-Replayed"] == "true"
        assert read_events(again) == [("delta", {"content": ANSWER}), first[-1]]
        assert as_json.json() == first[-1][1]
        assert len(openai_fake.completions) == 1 and charged(enrolled) == 2

    @pytest.mark.parametrize("refusal", ["insufficient_credits", "test_in_progress"])
    def test_a_refusal_is_an_http_error_before_any_event(
        self, openai_fake, enrolled, student_client, lesson, course, refusal
    ):
        if refusal == "insufficient_credits":
            fund(enrolled, -9)
        else:
            open_attempt(enrolled, course)
        response = ask(student_client, about(lesson), **STREAM)

        assert response.status_code in (402, 409)
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == refusal
        assert openai_fake.requests == []


@pytest.fixture
def server():
    with asgi_server() as base:
        yield base


def browser(base: str, user) -> requests.Session:
    """A student's browser against the real server: session cookie and CSRF token."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    token = session.get(f"{base}/api/auth/csrf", timeout=10).cookies["csrftoken"]
    session.headers["X-CSRFToken"] = token
    return session


def ask_live(session: requests.Session, base: str, body: dict, key: str, **kwargs):
    return session.post(
        f"{base}/api/mithra/ask",
        json=body,
        headers={"Idempotency-Key": key, "Accept": "text/event-stream"},
        stream=True,
        timeout=20,
        **kwargs,
    )


def until(condition, *, tries: int = 400) -> None:
    """Waits (bounded) for something another thread does."""
    event = threading.Event()
    for _ in range(tries):
        if condition():
            return
        event.wait(0.05)
    raise AssertionError("never happened")


@pytest.mark.django_db(transaction=True)
class TestUnderTheAsgiServer:
    @pytest.fixture(autouse=True)
    def _patient_model_client(self, settings, openai_fake):
        # A stream paused by the test waits for the test's other requests, however slow the
        # machine: the SDK's wait for the next piece must outlast them.
        settings.OPENAI_TIMEOUT_SECONDS = 30

    def test_pieces_arrive_while_the_answer_is_still_being_written(
        self, openai_fake, enrolled, lesson, server
    ):
        openai_fake.pause_after_first_chunk()
        with ask_live(browser(server, enrolled), server, about(lesson), "live-0001") as response:
            stream = events(response)
            name, data = next(stream)
            # The model has written one word and waits: the student already has it.
            assert name == "delta" and ANSWER.startswith(data["content"])
            assert Ask.objects.get().status == Ask.Status.PENDING
            openai_fake.resume()
            rest = list(stream)
        assert rest[-1][0] == "done" and rest[-1][1]["credits_charged"] == 2
        assert data["content"] + "".join(d["content"] for n, d in rest if n == "delta") == ANSWER

    @pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the test reads while the server writes: SQLite's shared in-memory test "
        "database refuses that (table locked)",
    )
    def test_a_student_who_leaves_mid_answer_is_answered_and_charged_once(
        self, openai_fake, enrolled, lesson, server
    ):
        openai_fake.pause_after_first_chunk()
        student = browser(server, enrolled)
        with ask_live(student, server, about(lesson), "live-0002") as response:
            assert next(events(response))[0] == "delta"
        # The connection is closed; the model goes on writing.
        openai_fake.resume()
        until(lambda: Ask.objects.get().status == Ask.Status.ANSWERED)

        assert charged(enrolled) == 2 and Message.objects.count() == 2
        with ask_live(student, server, about(lesson), "live-0002") as again:
            replayed = list(events(again))
        assert replayed[0] == ("delta", {"content": ANSWER})
        assert replayed[-1][1]["credits_charged"] == 2
        assert len(openai_fake.completions) == 1 and charged(enrolled) == 2

    def test_a_test_started_while_the_answer_streams_gets_it_neither_stored_nor_charged(
        self, openai_fake, enrolled, lesson, course, server
    ):
        openai_fake.pause_after_first_chunk()
        with ask_live(browser(server, enrolled), server, about(lesson), "live-0003") as response:
            stream = events(response)
            assert next(stream)[0] == "delta"
            open_attempt(enrolled, course)
            openai_fake.resume()
            last = list(stream)[-1]
        assert last[0] == "error" and last[1]["error"]["code"] == "test_in_progress"
        assert charged(enrolled) == 0 and not Message.objects.exists()

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the pool is PostgreSQL's")
    def test_a_question_waiting_on_the_model_holds_no_database_connection(
        self, openai_fake, enrolled, lesson, server
    ):
        # A new session: the ask starts its clocks, so the session is saved after the view.
        openai_fake.pause_after_first_chunk()
        with ask_live(browser(server, enrolled), server, about(lesson), "live-0006") as waiting:
            stream = events(waiting)
            assert next(stream)[0] == "delta"
            connection.close()  # the test's own goes back to the pool
            stats = connection.pool.get_stats()
            assert stats["pool_size"] - stats["pool_available"] == 0
            openai_fake.resume()
            assert list(stream)[-1][0] == "done"

    @pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's shared in-memory test database refuses concurrent writers at once "
        "('table is locked') where a database server would make them wait",
    )
    def test_questions_waiting_on_the_model_do_not_delay_another_students_requests(
        self, openai_fake, enrolled, lesson, course, server, settings
    ):
        # More questions wait on the model at once than a thread per question could be given
        # (the event loop's default thread pool; a sync server's 2 workers x 4 threads) or than
        # the database pool has connections: a design holding either while the model writes
        # would leave none for the other student.
        pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool", {})
        waiting = max(pool.get("max_size", 0), min(32, (os.cpu_count() or 1) + 4), 8) + 4
        settings.MITHRA_ASK_RATE = f"{waiting}/m"
        PlatformSettings.objects.filter(pk=1).update(tutor_daily_question_cap=waiting + 1)
        fund(enrolled, 2 * waiting)
        other = StudentFactory(email="other@example.com", verified=True)
        EnrollmentFactory(user=other, course_id=course.pk)
        fund(other, 10)
        openai_fake.pause_after_first_chunk(streams=waiting)
        student = browser(server, enrolled)
        student.mount(server, requests.adapters.HTTPAdapter(pool_maxsize=waiting))
        with ExitStack() as held:
            streams = []
            for n in range(waiting):
                response = held.enter_context(
                    ask_live(student, server, about(lesson), f"live-wait-{n:04d}")
                )
                streams.append(events(response))
                assert next(streams[-1])[0] == "delta"
            until(lambda: openai_fake.streams_paused == waiting)

            # Every one of those questions is held by the model. The other student is served
            # meanwhile, a whole question of theirs included.
            neighbour = browser(server, other)
            assert neighbour.get(f"{server}/api/wallet/balance", timeout=10).status_code == 200
            assert neighbour.get(f"{server}/api/courses", timeout=10).status_code == 200
            with ask_live(neighbour, server, about(lesson), "live-0005") as theirs:
                assert list(events(theirs))[-1][1]["credits_charged"] == 2
            assert charged(other) == 2 and charged(enrolled) == 0
            assert openai_fake.streams_paused == waiting  # still waiting, all of them

            openai_fake.resume()
            assert all(list(stream)[-1][0] == "done" for stream in streams)
        assert charged(enrolled) == 2 * waiting
