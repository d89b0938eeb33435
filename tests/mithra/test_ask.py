"""POST /api/mithra/ask against a local OpenAI through the real SDK, with this process's Guru."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from guru.models import Plan, PlatformSettings
from learning.models import TestAttempt
from mithra.models import Ask, Conversation, Message
from payments.models import Subscription
from tests.factories import EnrollmentFactory
from tests.fakes.openai import ANSWER
from tests.mithra.conftest import EXPECTED_OUTPUT, EXPECTED_PATTERN, SOLUTION
from tests.mithra.helpers import ask, charged
from tests.wallets import balance
from wallet.models import IdempotencyRecord, LedgerEntry

pytestmark = pytest.mark.django_db

QUESTION = "Why does my variable forget its value between lessons?"


def about(lesson, **extra):
    return {
        "course_id": lesson.module.course_id,
        "lesson_id": lesson.pk,
        "question": QUESTION,
        **extra,
    }


def tutor_settings(**fields):
    PlatformSettings.objects.filter(pk=PlatformSettings.SINGLETON_ID).update(**fields)


def assert_nothing_charged_or_stored(student):
    assert charged(student) == 0
    assert balance(student) == 10
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()


class TestAnswer:
    def test_answer_charges_guru_price_once_and_stores_both_messages(
        self, openai_fake, enrolled, student_client, lesson
    ):
        response = ask(student_client, about(lesson))

        assert response.status_code == 200, response.content
        body = response.json()
        assert body["answer"]["content"] == ANSWER and body["answer"]["role"] == "assistant"
        assert body["question"]["content"] == QUESTION and body["question"]["role"] == "user"
        assert body["credits_charged"] == 2 and body["balance"] == 8
        assert body["conversation"]["lesson_id"] == lesson.pk
        assert body["conversation"]["title"] == lesson.title
        assert charged(enrolled) == 2 and balance(enrolled) == 8
        entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.DEDUCTION)
        ask_row = Ask.objects.get()
        assert ask_row.status == Ask.Status.ANSWERED and ask_row.ledger_entry_id == entry.pk
        assert entry.reference == f"tutor_question:{ask_row.pk}"
        messages = Message.objects.order_by("id")
        assert [(m.role, m.content) for m in messages] == [
            ("user", QUESTION),
            ("assistant", ANSWER),
        ]
        assert len(openai_fake.completions) == 1

    def test_model_comes_from_guru_tutor_settings(
        self, openai_fake, enrolled, student_client, lesson
    ):
        tutor_settings(tutor_model="gpt-guru-choice")
        assert ask(student_client, about(lesson)).status_code == 200
        assert openai_fake.completions[0]["model"] == "gpt-guru-choice"

    def test_question_is_trimmed_before_it_is_sent_and_stored(
        self, openai_fake, enrolled, student_client, lesson
    ):
        response = ask(student_client, about(lesson, question=f"  {QUESTION}\n"))
        assert response.json()["question"]["content"] == QUESTION
        assert openai_fake.completions[0]["messages"][-1] == {"role": "user", "content": QUESTION}

    def test_a_plan_with_unlimited_tutor_is_not_charged(
        self, openai_fake, enrolled, student_client, lesson
    ):
        plan = Plan.objects.get(name="Pro")
        now = timezone.now()
        Subscription.objects.create(
            user=enrolled,
            plan_id=plan.pk,
            plan_name=plan.name,
            started_at=now,
            current_period_end=now + timedelta(days=30),
        )
        response = ask(student_client, about(lesson))
        assert response.status_code == 200, response.content
        assert response.json()["credits_charged"] == 0 and response.json()["balance"] == 10
        assert charged(enrolled) == 0
        assert Ask.objects.get().waived_by == "feature:tutor_unlimited"


class TestWhatTheModelIsSent:
    def test_lesson_prompt_holds_the_lesson_context_and_no_answer_key(
        self, openai_fake, enrolled, student_client, lesson
    ):
        assert ask(student_client, about(lesson)).status_code == 200

        (sent,) = openai_fake.completions
        text = json.dumps(sent)
        assert "Explain 0.0 simply" in text  # the lesson's tutor context
        assert "Content 0.0" in text  # the lesson's content
        assert "Python" in text  # the course
        for secret in (SOLUTION, EXPECTED_OUTPUT, EXPECTED_PATTERN, "Because arithmetic."):
            assert secret not in text
        assert sent["messages"][0]["role"] == "system"
        assert sent["messages"][-1] == {"role": "user", "content": QUESTION}

    def test_lab_prompt_holds_instructions_hints_and_ai_context_never_the_solution(
        self, openai_fake, enrolled, student_client, lab
    ):
        body = {"course_id": lab.course_id, "lab_id": lab.pk, "question": "Where do I start?"}
        response = ask(student_client, body)
        assert response.status_code == 200, response.content
        assert response.json()["conversation"]["lab_id"] == lab.pk

        text = json.dumps(openai_fake.completions[0])
        for shown in ("Print hi", "use print", "Students often forget the quotes.", "print()"):
            assert shown in text
        for secret in (
            SOLUTION,
            EXPECTED_OUTPUT,
            EXPECTED_PATTERN,
            "solution_code",
            "expected_output",
            "expected_pattern",
            "correct_answer",
            "Because arithmetic.",
        ):
            assert secret not in text

    def test_follow_up_sends_the_last_turns_as_history(
        self, openai_fake, enrolled, student_client, lesson
    ):
        first = ask(student_client, about(lesson)).json()
        conversation_id = first["conversation"]["id"]
        second = ask(
            student_client,
            about(lesson, question="And inside a function?", conversation_id=conversation_id),
        )
        assert second.status_code == 200, second.content
        assert second.json()["conversation"]["id"] == conversation_id

        messages = openai_fake.completions[1]["messages"]
        assert messages[-3:] == [
            {"role": "user", "content": QUESTION},
            {"role": "assistant", "content": ANSWER},
            {"role": "user", "content": "And inside a function?"},
        ]
        assert Conversation.objects.count() == 1 and Message.objects.count() == 4

    def test_history_is_bounded_by_the_character_budget(
        self, openai_fake, enrolled, student_client, lesson, settings
    ):
        conversation_id = ask(student_client, about(lesson)).json()["conversation"]["id"]
        settings.MITHRA_HISTORY_MAX_CHARS = len(ANSWER) + 1  # the answer fits, not its question
        ask(student_client, about(lesson, question="More?", conversation_id=conversation_id))
        messages = openai_fake.completions[1]["messages"]
        # A lone answer is dropped too: the history never starts with the tutor speaking.
        assert [m["role"] for m in messages] == ["system", "system", "user"]

    def test_conversation_about_another_lesson_is_refused(
        self, openai_fake, enrolled, student_client, lesson
    ):
        conversation_id = ask(student_client, about(lesson)).json()["conversation"]["id"]
        other = lesson.module.lessons.exclude(pk=lesson.pk).first()
        response = ask(student_client, about(other, conversation_id=conversation_id))
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "conversation_mismatch"
        assert len(openai_fake.completions) == 1


class TestModelFailuresChargeNothing:
    @pytest.mark.parametrize(
        ("status", "code", "reason"),
        [(500, "tutor_upstream_error", "upstream_down"), (429, "tutor_busy", "busy")],
    )
    def test_upstream_error_is_503_and_charges_nothing(
        self, openai_fake, enrolled, student_client, lesson, status, code, reason
    ):
        openai_fake.fail_next(status, retry_after="7" if status == 429 else None)
        response = ask(student_client, about(lesson))

        assert response.status_code == 503
        assert response.json()["error"]["code"] == code
        assert response.json()["error"]["details"] == {"reason": reason}
        if status == 429:
            assert response["Retry-After"] == "7"
        assert_nothing_charged_or_stored(enrolled)
        assert Ask.objects.get().status == Ask.Status.FAILED
        assert Ask.objects.get().error_code == code

    def test_timeout_is_504_and_charges_nothing(
        self, openai_fake, enrolled, student_client, lesson, settings
    ):
        settings.OPENAI_TIMEOUT_SECONDS = 0.3
        openai_fake.hang()
        response = ask(student_client, about(lesson))

        assert response.status_code == 504
        assert response.json()["error"]["code"] == "tutor_timeout"
        assert response.json()["error"]["details"] == {"reason": "timeout"}
        assert_nothing_charged_or_stored(enrolled)

    def test_sdk_retries_a_5xx_within_the_bound_and_charges_once(
        self, openai_fake, enrolled, student_client, lesson, settings
    ):
        settings.OPENAI_MAX_RETRIES = 1
        openai_fake.fail_next(500, retry_after="0.01")
        response = ask(student_client, about(lesson))
        assert response.status_code == 200, response.content
        assert len(openai_fake.requests) == 2 and charged(enrolled) == 2

    def test_retries_are_bounded(self, openai_fake, enrolled, student_client, lesson, settings):
        settings.OPENAI_MAX_RETRIES = 1
        openai_fake.fail_next(500, times=5, retry_after="0.01")
        assert ask(student_client, about(lesson)).status_code == 503
        assert len(openai_fake.requests) == 2
        assert_nothing_charged_or_stored(enrolled)

    def test_retry_with_the_same_key_after_a_failure_is_answered_and_charged_once(
        self, openai_fake, enrolled, student_client, lesson
    ):
        openai_fake.fail_next(500)
        assert ask(student_client, about(lesson), key="question-0001").status_code == 503
        again = ask(student_client, about(lesson), key="question-0001")
        assert again.status_code == 200, again.content
        assert charged(enrolled) == 2 and Ask.objects.count() == 1

    def test_no_api_key_is_503_tutor_unavailable(
        self, openai_fake, enrolled, student_client, lesson, settings
    ):
        settings.OPENAI_API_KEY = ""
        response = ask(student_client, about(lesson))
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "tutor_unavailable"
        assert response.json()["error"]["details"] == {"reason": "not_configured"}
        assert openai_fake.requests == []
        assert_nothing_charged_or_stored(enrolled)

    def test_openai_refusing_our_key_is_503_tutor_unavailable(
        self, openai_fake, enrolled, student_client, lesson
    ):
        openai_fake.api_key = "sk-another-key-entirely-000000"
        response = ask(student_client, about(lesson))
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "tutor_unavailable"
        assert response.json()["error"]["details"] == {"reason": "credentials_refused"}
        assert_nothing_charged_or_stored(enrolled)


class TestIdempotency:
    def test_replayed_request_charges_once_and_returns_the_first_answer(
        self, openai_fake, enrolled, student_client, lesson
    ):
        first = ask(student_client, about(lesson), key="question-0001")
        again = ask(student_client, about(lesson), key="question-0001")

        assert first.status_code == again.status_code == 200
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert charged(enrolled) == 2 and Message.objects.count() == 2
        assert len(openai_fake.completions) == 1

    def test_retry_after_the_stored_response_was_lost_still_charges_once(
        self, openai_fake, enrolled, student_client, lesson
    ):
        first = ask(student_client, about(lesson), key="question-0001")
        IdempotencyRecord.objects.all().delete()  # a crash between the effect and the record
        again = ask(student_client, about(lesson), key="question-0001")

        assert again.status_code == 200 and again.json() == first.json()
        assert charged(enrolled) == 2 and Message.objects.count() == 2
        assert len(openai_fake.completions) == 1

    def test_same_key_with_another_question_is_422(
        self, openai_fake, enrolled, student_client, lesson
    ):
        ask(student_client, about(lesson), key="question-0001")
        response = ask(student_client, about(lesson, question="Other?"), key="question-0001")
        assert response.status_code == 422
        assert charged(enrolled) == 2

    def test_missing_idempotency_key_is_400(self, openai_fake, enrolled, student_client, lesson):
        response = student_client.post(
            "/api/mithra/ask", json.dumps(about(lesson)), content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "idempotency_key_required"
        assert openai_fake.requests == []


class TestRefusals:
    def test_active_test_attempt_blocks_the_tutor_without_charge_or_model_call(
        self, openai_fake, enrolled, student_client, lesson, course
    ):
        now = timezone.now()
        TestAttempt.objects.create(
            user=enrolled,
            course_id=course.pk,
            test_id=course.tests.get().pk,
            attempt_number=1,
            max_attempts=3,
            questions=[],
            started_at=now,
            deadline=now + timedelta(minutes=10),
        )
        response = ask(student_client, about(lesson))

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "test_in_progress"
        assert openai_fake.requests == []
        assert_nothing_charged_or_stored(enrolled)

    def test_an_attempt_past_its_deadline_no_longer_blocks(
        self, openai_fake, enrolled, student_client, lesson, course
    ):
        now = timezone.now()
        TestAttempt.objects.create(
            user=enrolled,
            course_id=course.pk,
            test_id=course.tests.get().pk,
            attempt_number=1,
            max_attempts=3,
            questions=[],
            started_at=now - timedelta(hours=2),
            deadline=now - timedelta(hours=1),
        )
        assert ask(student_client, about(lesson)).status_code == 200

    def test_insufficient_credits_is_402_without_a_model_call(
        self, openai_fake, student, student_client, lesson, course
    ):
        EnrollmentFactory(user=student, course_id=course.pk)
        response = ask(student_client, about(lesson))

        assert response.status_code == 402
        assert response.json()["error"]["code"] == "insufficient_credits"
        assert response.json()["error"]["details"]["required"] == 2
        assert openai_fake.requests == []
        assert not Message.objects.exists()

    def test_student_not_enrolled_is_403(self, openai_fake, student, student_client, lesson):
        response = ask(student_client, about(lesson))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_enrolled"
        assert openai_fake.requests == []

    def test_empty_question_is_400(self, openai_fake, enrolled, student_client, lesson):
        for question in ("", "   \n "):
            response = ask(student_client, about(lesson, question=question))
            assert response.status_code == 400
            assert "question" in response.json()["error"]["fields"]
        assert openai_fake.requests == []

    def test_question_longer_than_guru_allows_is_400(
        self, openai_fake, enrolled, student_client, lesson
    ):
        tutor_settings(tutor_max_question_length=20)
        response = ask(student_client, about(lesson, question="x" * 21))
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "question_too_long"
        assert response.json()["error"]["details"] == {"max_length": 20}
        assert ask(student_client, about(lesson, question="x" * 20)).status_code == 200

    def test_exactly_one_of_lesson_and_lab(
        self, openai_fake, enrolled, student_client, lesson, lab
    ):
        both = ask(student_client, about(lesson, lab_id=lab.pk))
        neither = ask(student_client, {"course_id": lesson.module.course_id, "question": "Hi?"})
        assert both.status_code == neither.status_code == 400

    def test_lesson_of_another_course_is_404(
        self, openai_fake, enrolled, student_client, lesson, course
    ):
        from tests.guru.catalogue import course_with_content

        foreign = course_with_content(title="Other").modules.first().lessons.first()
        response = ask(student_client, about(lesson, lesson_id=foreign.pk))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "lesson_not_found"
        assert_nothing_charged_or_stored(enrolled)

    def test_tutor_disabled_in_guru_is_503_tutor_disabled(
        self, openai_fake, enrolled, student_client, lesson
    ):
        tutor_settings(tutor_enabled=False)
        response = ask(student_client, about(lesson))
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "tutor_disabled"
        assert response.json()["error"]["details"] == {"reason": "disabled"}
        assert openai_fake.requests == []

    def test_needs_a_student_session(self, openai_fake, client, lesson):
        assert ask(client, about(lesson)).status_code == 401


class TestLimits:
    def test_rate_limit_is_429_with_retry_after(
        self, openai_fake, enrolled, student_client, lesson, settings
    ):
        settings.MITHRA_ASK_RATE = "2/m"
        assert ask(student_client, about(lesson)).status_code == 200
        assert ask(student_client, about(lesson)).status_code == 200
        response = ask(student_client, about(lesson))

        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited"
        assert int(response["Retry-After"]) >= 1
        assert len(openai_fake.completions) == 2 and charged(enrolled) == 4

    def test_daily_cap_counts_answered_questions(
        self, openai_fake, enrolled, student_client, lesson
    ):
        tutor_settings(tutor_daily_question_cap=2)
        openai_fake.fail_next(500)
        assert ask(student_client, about(lesson)).status_code == 503  # not answered: not counted
        assert ask(student_client, about(lesson)).status_code == 200
        assert ask(student_client, about(lesson)).status_code == 200
        response = ask(student_client, about(lesson))

        assert response.status_code == 429
        assert response.json()["error"]["code"] == "tutor_daily_cap_reached"
        now = timezone.now()
        seconds_to_midnight = 86400 - (now.hour * 3600 + now.minute * 60 + now.second)
        assert abs(int(response["Retry-After"]) - seconds_to_midnight) <= 2
        assert charged(enrolled) == 4 and len(openai_fake.completions) == 3


class TestHolds:
    """A question being answered holds its price and its place under the daily cap, so a
    concurrent question cannot spend the same credits; a hold left by a crashed worker
    expires."""

    def hold(self, student, *, credits=2, age=timedelta(0), key="in-flight-0001"):
        return Ask.objects.create(
            user=student, idempotency_key=key, credits=credits, held_at=timezone.now() - age
        )

    def test_credits_held_by_a_question_being_answered_cannot_be_spent_again(
        self, openai_fake, enrolled, student_client, lesson
    ):
        self.hold(enrolled, credits=9)  # balance 10: 1 left, the price is 2
        response = ask(student_client, about(lesson))
        assert response.status_code == 402
        assert response.json()["error"]["details"] == {"balance": 10, "held": 9, "required": 2}
        assert openai_fake.requests == []

    def test_a_hold_left_by_a_crashed_worker_expires(
        self, openai_fake, enrolled, student_client, lesson
    ):
        self.hold(enrolled, credits=9, age=timedelta(hours=1))
        assert ask(student_client, about(lesson)).status_code == 200

    def test_questions_being_answered_count_towards_the_daily_cap(
        self, openai_fake, enrolled, student_client, lesson
    ):
        tutor_settings(tutor_daily_question_cap=1)
        self.hold(enrolled)
        response = ask(student_client, about(lesson))
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "tutor_daily_cap_reached"
        assert openai_fake.requests == []

    def test_same_key_while_its_question_is_being_answered_is_409(
        self, openai_fake, enrolled, student_client, lesson
    ):
        self.hold(enrolled, key="question-0001")
        response = ask(student_client, about(lesson), key="question-0001")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_in_flight"
        assert openai_fake.requests == []
