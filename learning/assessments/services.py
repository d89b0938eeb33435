"""Test attempts: start (limits held by the table's constraints), submit (graded on the
server with Guru's answer key, refused after the deadline), and the audited staff reset."""

import itertools
import logging
from datetime import timedelta
from typing import Any

from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from config.errors import Forbidden, InvalidInput
from learning.access import course_test_open, enrollment_require
from learning.assessments.grading import answer_error, grade, served_questions
from learning.assessments.selectors import student_attempts, submit_cutoff
from learning.errors import (
    AttemptExpired,
    AttemptNotFound,
    AttemptNotStarted,
    AttemptStartConflict,
    MaxAttemptsReached,
    TestInProgress,
)
from learning.models import TestAttempt

logger = logging.getLogger(__name__)

ACTIVE = TestAttempt.Status.ACTIVE
SUBMITTED = TestAttempt.Status.SUBMITTED
EXPIRED = TestAttempt.Status.EXPIRED


def _in_progress(attempt: TestAttempt) -> TestInProgress:
    return TestInProgress(
        details={
            "attempt_id": attempt.pk,
            "course_id": attempt.course_id,
            "test_id": attempt.test_id,
            "deadline": attempt.deadline.isoformat(),
        }
    )


def test_attempts_close_abandoned(*, user: User) -> int:
    """Closes the student's attempts whose deadline and grace have passed, so an abandoned
    attempt never blocks a new one (nor counts as sitting a test)."""
    return TestAttempt.objects.filter(
        user=user, status=ACTIVE, deadline__lt=submit_cutoff()
    ).update(status=EXPIRED)


def test_attempt_start(*, user: User, course_id: int, test_id: int) -> TestAttempt:
    """Starts the student's next attempt with Guru's time limit and attempt limit.

    The table decides, not a count read beforehand: the attempt number is unique per student
    and test and at most the max_attempts stored with it, and one attempt per student is
    active, so concurrent starts create one attempt.
    """
    test = course_test_open(user=user, course_id=course_id, test_id=test_id, require_fresh=True)
    test_attempts_close_abandoned(user=user)
    active = TestAttempt.objects.filter(user=user, status=ACTIVE).first()
    if active is not None:
        raise _in_progress(active)
    used = set(
        student_attempts(user=user, test_id=test_id).values_list("attempt_number", flat=True)
    )
    # The lowest free number: a number a staff reset freed is used again.
    number = next(n for n in itertools.count(1) if n not in used)
    now = timezone.now()
    try:
        with transaction.atomic():
            return TestAttempt.objects.create(
                user=user,
                course_id=course_id,
                test_id=test_id,
                attempt_number=number,
                max_attempts=test.max_attempts,
                questions=served_questions(test),
                started_at=now,
                deadline=now + timedelta(minutes=test.time_limit_minutes),
            )
    except IntegrityError:
        pass
    # Refused by a constraint: name the reason from the state that refused it.
    active = TestAttempt.objects.filter(user=user, status=ACTIVE).first()
    if active is not None:
        raise _in_progress(active)
    if number > test.max_attempts:
        raise MaxAttemptsReached(details={"max_attempts": test.max_attempts})
    raise AttemptStartConflict()


def _validated_answers(attempt: TestAttempt, answers: dict[str, Any]) -> dict[str, Any]:
    served = {str(question["id"]): question for question in attempt.questions}
    errors: dict[str, list[str]] = {}
    for question_id, answer in answers.items():
        question = served.get(question_id)
        if question is None:
            errors[f"answers.{question_id}"] = ["Not a question of this attempt."]
        elif answer is not None and (problem := answer_error(question, answer)):
            errors[f"answers.{question_id}"] = [problem]
    if errors:
        raise InvalidInput(fields=errors)
    return {question_id: answer for question_id, answer in answers.items() if answer is not None}


def test_attempt_submit(
    *, user: User, course_id: int, test_id: int, answers: dict[str, Any]
) -> TestAttempt:
    """Grades the student's latest attempt of the test, once.

    Submitting a graded attempt again returns it as graded; an answer arriving after the
    deadline plus the grace closes the attempt ungraded (AttemptExpired).
    """
    received_at = timezone.now()
    enrollment_require(user=user, course_id=course_id)
    latest = student_attempts(user=user, test_id=test_id).filter(course_id=course_id).last()
    if latest is None:
        raise AttemptNotStarted()
    in_time = latest.status == ACTIVE and latest.deadline >= submit_cutoff(received_at)
    # Guru is read before the row lock is taken, never while holding it.
    key = (
        course_test_open(user=user, course_id=course_id, test_id=test_id, require_fresh=True)
        if in_time
        else None
    )
    valid = _validated_answers(latest, answers) if in_time else {}
    with transaction.atomic():
        attempt = TestAttempt.objects.select_for_update().get(pk=latest.pk)
        if attempt.status == SUBMITTED:
            return attempt
        if attempt.status == ACTIVE and key is not None:
            result = grade(served=attempt.questions, answers=valid, key=key)
            attempt.status = SUBMITTED
            attempt.submitted_at = received_at
            attempt.answers = valid
            attempt.results = result.results
            attempt.score_points = result.score_points
            attempt.max_points = result.max_points
            attempt.percent = result.percent
            attempt.passed = result.passed
            attempt.save()
            return attempt
        if attempt.status == ACTIVE:
            attempt.status = EXPIRED
            attempt.save(update_fields=["status"])
    # Raised after the commit: the attempt stays closed.
    raise AttemptExpired(details={"deadline": latest.deadline.isoformat()})


def _snapshot(attempt: TestAttempt) -> dict[str, Any]:
    def iso(value: Any) -> Any:
        return value.isoformat() if value is not None else None

    return {
        "user_id": attempt.user_id,
        "course_id": attempt.course_id,
        "test_id": attempt.test_id,
        "attempt_number": attempt.attempt_number,
        "max_attempts": attempt.max_attempts,
        "status": attempt.status,
        "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.deadline),
        "submitted_at": iso(attempt.submitted_at),
        "answers": attempt.answers,
        "results": attempt.results,
        "score_points": attempt.score_points,
        "max_points": attempt.max_points,
        "percent": attempt.percent,
        "passed": attempt.passed,
    }


def test_attempt_reset(*, attempt_id: int, actor: User, reason: str) -> dict[str, Any]:
    """Removes an attempt so its number is free again (the student may start once more), on
    a staff member's decision. The attempt as it was, who reset it and why are kept in the
    audit log (django-auditlog), written in the same transaction. Returns that snapshot."""
    if not (actor.is_active and actor.is_admin):
        raise Forbidden("Only an active admin may reset a test attempt.")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(fields={"reason": ["Say why the attempt is reset."]})
    with transaction.atomic():
        attempt = TestAttempt.objects.select_for_update().filter(pk=attempt_id).first()
        if attempt is None:
            raise AttemptNotFound()
        snapshot = _snapshot(attempt)
        LogEntry.objects.log_create(
            attempt,
            force_log=True,
            action=LogEntry.Action.DELETE,
            actor=actor,
            actor_email=actor.email,
            additional_data={"action": "test_attempt_reset", "reason": reason, "attempt": snapshot},
        )
        attempt.delete()
        transaction.on_commit(
            lambda: logger.info(
                "test attempt reset",
                extra={"attempt_id": attempt_id, "actor_id": actor.pk, "reason": reason},
            )
        )
    return snapshot
