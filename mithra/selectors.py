"""Reads for the tutor: the student's conversations, Guru's tutor settings and price, and what
the model may know of a lesson or a lab (an allowlist of Guru's fields: never a solution,
an expected output or a test's answer key), once learning's access rule lets the student
use that lesson or lab (enrolled; a lab unlocked)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from config.priced_actions import PricedAction
from learning.access import lab_open, lesson_open
from mithra.errors import ConversationNotFound
from mithra.models import Ask, Conversation, Message
from shishya import guru_reads

TUTOR_ACTION = PricedAction.TUTOR_QUESTION.value


@dataclass(frozen=True)
class TutorSettings:
    enabled: bool
    daily_question_cap: int
    model: str
    max_question_length: int


@dataclass(frozen=True)
class Subject:
    """What a question is about: its title (for the history list) and the context the model
    is given about it."""

    title: str
    context: str


def conversation_list(*, user: User) -> QuerySet[Conversation]:
    return Conversation.objects.filter(user=user).order_by("-updated_at", "-id")


def conversation_get(*, user: User, conversation_id: int) -> Conversation:
    """The student's own conversation with its messages; anyone else's is "not found"."""
    if not 0 < conversation_id < 2**63:
        raise ConversationNotFound()
    conversation = (
        Conversation.objects.filter(user=user, pk=conversation_id)
        .prefetch_related("messages")
        .first()
    )
    if conversation is None:
        raise ConversationNotFound()
    return conversation


def conversation_history(*, conversation: Conversation) -> list[Message]:
    """The latest messages, oldest first, within MITHRA_HISTORY_MESSAGES and
    MITHRA_HISTORY_MAX_CHARS; starts with a question, never with a lone answer."""
    latest = Message.objects.filter(conversation=conversation).order_by("-id")[
        : settings.MITHRA_HISTORY_MESSAGES
    ]
    kept: list[Message] = []
    budget = settings.MITHRA_HISTORY_MAX_CHARS
    for message in latest:
        budget -= len(message.content)
        if budget < 0:
            break
        kept.append(message)
    kept.reverse()
    while kept and kept[0].role != Message.Role.USER:
        kept.pop(0)
    return kept


def tutor_settings() -> TutorSettings:
    # It decides whether a question is answered and with which model: Guru's current state.
    tutor = guru_reads.platform_settings(require_fresh=True).tutor
    return TutorSettings(
        enabled=tutor.enabled,
        daily_question_cap=tutor.daily_question_cap,
        model=tutor.model.strip() or settings.OPENAI_MODEL,
        max_question_length=tutor.max_question_length,
    )


def tutor_price() -> int | None:
    """Guru's current credits per question (never a stale copy: it decides a charge); None
    when Guru prices no tutor question. Charged by the tutor itself, so whether students may
    charge it directly (/api/wallet/deduct) does not matter here."""
    return guru_reads.action_price(TUTOR_ACTION, when_missing=guru_reads.UNPRICED)


def lesson_subject(*, user: User, course_id: int, lesson_id: int) -> Subject:
    opened = lesson_open(user=user, course_id=course_id, lesson_id=lesson_id)
    course, module, lesson = opened.course, opened.module, opened.lesson
    return Subject(
        title=lesson.title,
        context=_join(
            ("Course", course.title),
            ("Course description", course.description),
            ("Module", module.title),
            ("Lesson", lesson.title),
            ("Notes for the tutor", lesson.tutor_context),
            ("Lesson content", _cut(lesson.content)),
        ),
    )


# The lab fields a student may see anyway, plus Guru's notes for the tutor. Named one by one:
# the grading fields Guru also sends us (solution_code, expected_output, expected_pattern)
# must never reach the model.
_LAB_FIELDS = (
    ("Lab", "title"),
    ("Language", "language"),
    ("Instructions", "instructions"),
    ("Starter code", "starter_code"),
    ("Notes for the tutor", "ai_context"),
)


def lab_subject(*, user: User, course_id: int, lab_id: int) -> Subject:
    """A locked lab is refused here (lab_locked), as on every other path to it."""
    lab, _ = lab_open(user=user, course_id=course_id, lab_id=lab_id)
    course = guru_reads.course(course_id)
    hints = "\n".join(f"- {hint}" for hint in lab.hints)
    return Subject(
        title=lab.title,
        context=_join(
            ("Course", course.title),
            *((label, _cut(getattr(lab, name))) for label, name in _LAB_FIELDS),
            ("Hints the student can see", hints),
        ),
    )


def _cut(text: str) -> str:
    limit = settings.MITHRA_CONTEXT_MAX_CHARS
    return text if len(text) <= limit else text[:limit] + "\n[...]"


def _join(*parts: tuple[str, Any]) -> str:
    return "\n\n".join(f"{label}:\n{value}" for label, value in parts if value)


# --- Holds and the daily cap ---------------------------------------------------------------


# How long a hold outlives its answer's deadline: the time to charge and store the answer.
HOLD_MARGIN_SECONDS = 30


def hold_seconds() -> float:
    """How long a pending ask may still be answered (the whole answer's deadline, plus time
    to store it); older holds were left by a crashed worker."""
    return settings.MITHRA_ANSWER_DEADLINE_SECONDS + HOLD_MARGIN_SECONDS


def day_start(now: datetime) -> datetime:
    """The daily cap counts per calendar day in TIME_ZONE (UTC)."""
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Usage:
    answered_today: int
    held_asks: int
    held_credits: int


def tutor_usage(*, user: User, now: datetime, exclude_ask_id: int | None = None) -> Usage:
    """Answers today, and asks still waiting for the model with the credits they hold (one
    query, on the (user, status, answered_at) index)."""
    answered = Q(status=Ask.Status.ANSWERED, answered_at__gte=day_start(now))
    held = Q(status=Ask.Status.PENDING, held_at__gt=now - timedelta(seconds=hold_seconds()))
    asks = Ask.objects.filter(answered | held, user=user)
    if exclude_ask_id is not None:
        asks = asks.exclude(pk=exclude_ask_id)
    usage = asks.aggregate(
        answered=Count("pk", filter=answered),
        held=Count("pk", filter=held),
        credits=Sum("credits", filter=held),
    )
    return Usage(
        answered_today=usage["answered"],
        held_asks=usage["held"],
        held_credits=usage["credits"] or 0,
    )
