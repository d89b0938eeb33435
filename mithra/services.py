"""The tutor's write: a student's question answered by the model and charged exactly once.

Check, hold, ask, confirm. The checks and Guru's reads come first. The price is then held
against the balance and the daily cap under the wallet's row lock, and committed, so that a
concurrent question sees it. The model is called outside any transaction, its answer streamed
as it is written. The charge, both messages and the answered state are written in one
transaction, keyed by the ask, so no retry charges twice. A failed, timed-out or late call
releases the hold: nothing is charged, even if part of the answer was already shown. A test
attempt started while the model wrote is found by the confirm: the answer is then neither
stored nor charged.
"""

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openai.types.chat import ChatCompletionMessageParam

from accounts.models import User
from config.async_views import db_step
from config.errors import (
    ApiError,
    InsufficientCredits,
    UnavailableReason,
)
from learning.assessments.selectors import test_attempt_active
from mithra.errors import (
    ConversationMismatch,
    DailyCapReached,
    QuestionTooLong,
    TestInProgress,
    TutorDisabled,
    TutorTimeout,
    TutorUnavailable,
)
from mithra.models import Ask, Conversation, Message
from mithra.openai_chat import ChatAnswer, chat_stream, tutor_configured
from mithra.prompts import prompt_messages
from mithra.selectors import (
    TUTOR_ACTION,
    Subject,
    TutorSettings,
    conversation_get,
    conversation_history,
    day_start,
    hold_seconds,
    lab_subject,
    lesson_subject,
    tutor_price,
    tutor_settings,
    tutor_usage,
)
from payments.selectors import student_features
from wallet.errors import IdempotentRequestInFlight
from wallet.models import LedgerEntry
from wallet.services import (
    wallet_apply,
    wallet_get_or_create,
    wallet_locked,
    wallet_welcome_settle,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A plan feature (Guru's plans) under which questions cost no credits; the daily cap stays.
UNLIMITED_FEATURE = "tutor_unlimited"


@dataclass(frozen=True)
class Answered:
    """An answered question: the ask (its price and charge), its conversation, both messages."""

    ask: Ask
    conversation: Conversation
    question: Message
    answer: Message


@dataclass(frozen=True)
class Topic:
    """What a question is about: a course and exactly one of its lessons or labs."""

    course_id: int
    lesson_id: int | None
    lab_id: int | None


@dataclass(frozen=True)
class Prepared:
    """A question cleared to be asked: its held ask, and what the model is sent."""

    user: User
    topic: Topic
    question: str
    conversation: Conversation | None
    title: str
    ask: Ask
    model: str
    messages: list[ChatCompletionMessageParam]


def question_prepare(
    *,
    user: User,
    topic: Topic,
    question: str,
    conversation_id: int | None,
    idempotency_key: str,
) -> Prepared | Answered:
    """Checks the question and holds Guru's price for it, once per idempotency key; a key
    whose question was answered already gets that answer. Every refusal comes from here,
    before the model is called."""
    question = question.strip()
    tutor = _tutor_check(question=question)
    # Learning's access rule (enrolled first, then the lesson or lab), before anything else
    # of the student's is read.
    subject = _subject(user=user, topic=topic)
    if test_attempt_active(user=user):
        raise TestInProgress()
    conversation = None
    if conversation_id is not None:
        conversation = conversation_get(user=user, conversation_id=conversation_id)
        if (conversation.course_id, conversation.lesson_id, conversation.lab_id) != (
            topic.course_id,
            topic.lesson_id,
            topic.lab_id,
        ):
            raise ConversationMismatch()
    credits, waived_by = _question_price(user=user)
    wallet_welcome_settle(user=user)  # the welcome credits, when they are due
    ask = _ask_hold(
        user=user,
        idempotency_key=idempotency_key,
        credits=credits,
        waived_by=waived_by,
        daily_cap=tutor.daily_question_cap,
    )
    if ask.status == Ask.Status.ANSWERED:
        return _answered(ask=ask)
    try:
        history = conversation_history(conversation=conversation) if conversation else []
        messages = prompt_messages(subject=subject, history=history, question=question)
    except BaseException:
        _ask_release(ask=ask, error_code="server_error")
        raise
    return Prepared(
        user=user,
        topic=topic,
        question=question,
        conversation=conversation,
        title=subject.title,
        ask=ask,
        model=tutor.model,
        messages=messages,
    )


async def question_answer(
    *,
    prepared: Prepared,
    on_text: Callable[[str], None],
    on_answered: Callable[[Answered], T],
) -> T:
    """Asks the model, handing on each piece of the answer as it is written (on_text), then
    charges the held price and stores both messages; on_answered runs in that same
    transaction (the caller's record of the answer) and its result is returned. The whole
    answer must arrive within MITHRA_ANSWER_DEADLINE_SECONDS. On any failure, the first piece
    sent or not, the hold is released (nothing charged, nothing stored) and the error raised.
    The database is used only in short steps before and after the model, never while it
    writes."""
    ask = prepared.ask
    parts: list[str] = []
    last = None
    started = time.monotonic()
    first_text_ms = None
    try:
        async with asyncio.timeout(settings.MITHRA_ANSWER_DEADLINE_SECONDS):
            async for chunk in chat_stream(model=prepared.model, messages=prepared.messages):
                if not chunk.text:
                    last = chunk
                    continue
                if first_text_ms is None:
                    first_text_ms = round((time.monotonic() - started) * 1000)
                parts.append(chunk.text)
                on_text(chunk.text)
        model_ms = round((time.monotonic() - started) * 1000)
        answer = ChatAnswer(
            content="".join(parts).strip(),
            model=(last.model if last else "") or prepared.model,
            prompt_tokens=last.prompt_tokens if last else None,
            completion_tokens=last.completion_tokens if last else None,
        )
        recorded = await db_step(_ask_confirm)(
            prepared=prepared, answer=answer, on_answered=on_answered
        )
    except TimeoutError:
        logger.warning("tutor answer past its deadline", extra={"ask_id": ask.pk})
        await db_step(_ask_release)(ask=ask, error_code=TutorTimeout.code)
        raise TutorTimeout() from None
    except ApiError as exc:
        await db_step(_ask_release)(ask=ask, error_code=exc.code)
        raise
    except BaseException:
        await db_step(_ask_release)(ask=ask, error_code="server_error")
        raise
    logger.info(
        "tutor answered",
        extra={
            "ask_id": ask.pk,
            "user_id": prepared.user.pk,
            "course_id": prepared.topic.course_id,
            "lesson_id": prepared.topic.lesson_id,
            "lab_id": prepared.topic.lab_id,
            "model": answer.model,
            "credits": ask.credits,
            # Token counts under names the log redaction (which hides any "*token*" field)
            # lets through.
            "model_usage": {"in": answer.prompt_tokens, "out": answer.completion_tokens},
            "question_chars": len(prepared.question),
            "first_text_ms": first_text_ms,
            "model_ms": model_ms,
        },
    )
    return recorded


def _tutor_check(*, question: str) -> TutorSettings:
    """Whether the tutor answers this question now, before anything is read, held or sent."""
    if not tutor_configured():
        raise TutorUnavailable(reason=UnavailableReason.NOT_CONFIGURED)
    tutor = tutor_settings()
    # A cap of 0 is Guru's way to stop the tutor for everyone.
    if not tutor.enabled or tutor.daily_question_cap == 0:
        raise TutorDisabled()
    if len(question) > tutor.max_question_length:
        raise QuestionTooLong(
            f"Ask in at most {tutor.max_question_length} characters.",
            fields={"question": [f"At most {tutor.max_question_length} characters."]},
            details={"max_length": tutor.max_question_length},
        )
    return tutor


def _subject(*, user: User, topic: Topic) -> Subject:
    """What the model may know of the lesson or lab, once learning's access rule lets the
    student use it: checked here, before anything is held or sent."""
    if topic.lesson_id is not None:
        return lesson_subject(user=user, course_id=topic.course_id, lesson_id=topic.lesson_id)
    if topic.lab_id is not None:
        return lab_subject(user=user, course_id=topic.course_id, lab_id=topic.lab_id)
    raise ValueError("a topic names a lesson or a lab")


def _question_price(*, user: User) -> tuple[int, str]:
    """Credits to hold and charge, and why they are waived when they are."""
    price = tutor_price()
    if price is None:
        logger.error("guru prices no tutor_question: the tutor cannot charge")
        raise TutorUnavailable(reason=UnavailableReason.NOT_PRICED)
    if price and student_features(user=user).get(UNLIMITED_FEATURE):
        return 0, f"feature:{UNLIMITED_FEATURE}"
    return price, ""


def _ask_hold(
    *, user: User, idempotency_key: str, credits: int, waived_by: str, daily_cap: int
) -> Ask:
    """Holds the price and a place under the daily cap for this key's ask (PENDING), or
    refuses; returns the ask as it is when this key's question is already answered."""
    now = timezone.now()
    with wallet_locked(user=user) as wallet:
        ask = Ask.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if ask is not None and ask.status == Ask.Status.ANSWERED:
            return ask  # answered by a concurrent retry with this key: nothing more to hold
        if (
            ask is not None
            and ask.status == Ask.Status.PENDING
            and ask.held_at > now - timedelta(seconds=hold_seconds())
        ):
            raise IdempotentRequestInFlight()
        usage = tutor_usage(user=user, now=now, exclude_ask_id=ask.pk if ask else None)
        if usage.answered_today >= daily_cap:
            raise DailyCapReached(
                retry_after=_seconds_until_tomorrow(now), details={"daily_cap": daily_cap}
            )
        if usage.answered_today + usage.held_asks >= daily_cap:
            # The rest of today's questions are being answered now; one may yet fail.
            raise DailyCapReached(
                retry_after=math.ceil(hold_seconds()), details={"daily_cap": daily_cap}
            )
        if wallet.balance - usage.held_credits < credits:
            raise InsufficientCredits(
                details={"balance": wallet.balance, "held": usage.held_credits, "required": credits}
            )
        if ask is None:
            return Ask.objects.create(
                user=user,
                idempotency_key=idempotency_key,
                credits=credits,
                waived_by=waived_by,
                held_at=now,
            )
        # A failed ask, or one its crashed worker left pending: this retry takes it over.
        ask.status, ask.credits, ask.waived_by = Ask.Status.PENDING, credits, waived_by
        ask.held_at, ask.error_code = now, ""
        ask.save(update_fields=["status", "credits", "waived_by", "held_at", "error_code"])
        return ask


class _AnsweredMeanwhile(Exception):
    """A retry that took this ask over answered it first: roll back, return its answer."""


def _ask_confirm(
    *, prepared: Prepared, answer: ChatAnswer, on_answered: Callable[[Answered], T]
) -> T:
    """Charges the held price and stores both messages, then runs on_answered, in one
    transaction."""
    user, ask, topic = prepared.user, prepared.ask, prepared.topic
    conversation, title, question = prepared.conversation, prepared.title, prepared.question
    now = timezone.now()
    try:
        with transaction.atomic():
            # A test may have started while the model was answering: the answer is not shown.
            if test_attempt_active(user=user):
                raise TestInProgress()
            entry = None
            if ask.credits:
                entry = wallet_apply(
                    user=user,
                    amount=-ask.credits,
                    kind=LedgerEntry.Kind.DEDUCTION,
                    reference=f"{TUTOR_ACTION}:{ask.pk}",
                    idempotency_key=f"mithra:ask:{ask.pk}",
                )
            if conversation is None:
                conversation = Conversation.objects.create(
                    user=user,
                    course_id=topic.course_id,
                    lesson_id=topic.lesson_id,
                    lab_id=topic.lab_id,
                    title=title[:200],
                    updated_at=now,
                )
            else:
                Conversation.objects.filter(pk=conversation.pk).update(updated_at=now)
            balance = entry.balance_after if entry else wallet_get_or_create(user=user).balance
            answered = (
                Ask.objects.filter(pk=ask.pk)
                .exclude(status=Ask.Status.ANSWERED)
                .update(
                    status=Ask.Status.ANSWERED,
                    conversation=conversation,
                    ledger_entry_id=entry.pk if entry else None,
                    balance_after=balance,
                    model=answer.model[:100],
                    prompt_tokens=answer.prompt_tokens,
                    completion_tokens=answer.completion_tokens,
                    error_code="",
                    answered_at=now,
                )
            )
            if not answered:
                raise _AnsweredMeanwhile()
            question_message, answer_message = Message.objects.bulk_create(
                [
                    Message(
                        conversation=conversation, ask=ask, role=Message.Role.USER, content=question
                    ),
                    Message(
                        conversation=conversation,
                        ask=ask,
                        role=Message.Role.ASSISTANT,
                        content=answer.content,
                    ),
                ]
            )
            ask.status, ask.conversation = Ask.Status.ANSWERED, conversation
            ask.balance_after = balance
            return on_answered(
                Answered(
                    ask=ask,
                    conversation=conversation,
                    question=question_message,
                    answer=answer_message,
                )
            )
    except _AnsweredMeanwhile:
        return on_answered(_answered(ask=Ask.objects.get(pk=ask.pk)))


def _answered(*, ask: Ask) -> Answered:
    """An answered ask as it was stored."""
    messages = {message.role: message for message in Message.objects.filter(ask=ask)}
    question = messages[Message.Role.USER]
    return Answered(
        ask=ask,
        conversation=question.conversation,
        question=question,
        answer=messages[Message.Role.ASSISTANT],
    )


def _ask_release(*, ask: Ask, error_code: str) -> None:
    """Ends the hold: the question was not answered and costs nothing."""
    Ask.objects.filter(pk=ask.pk, status=Ask.Status.PENDING).update(
        status=Ask.Status.FAILED, error_code=error_code[:64]
    )


def _seconds_until_tomorrow(now: datetime) -> int:
    return math.ceil((day_start(now) + timedelta(days=1) - now).total_seconds())
