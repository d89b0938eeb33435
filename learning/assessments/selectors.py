"""Guru's tests as a student may see them before and after sitting them: never an answer
or explanation, except the explanations in the student's own submitted attempts."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from learning.access import course_test_open, enrollment_require
from learning.models import TestAttempt
from shishya import guru_reads
from shishya.guru_models import Test

SUMMARY_FIELDS = (
    "id",
    "module_id",
    "title",
    "description",
    "time_limit_minutes",
    "pass_percentage",
    "max_attempts",
)


def submit_cutoff(now: datetime | None = None) -> datetime:
    """Attempts whose deadline is before this are over: the grace for late packets is gone."""
    return (now or timezone.now()) - timedelta(seconds=settings.TEST_SUBMIT_GRACE_SECONDS)


def test_attempt_active(*, user: User) -> bool:
    """Whether the student is sitting a test now: an attempt in progress whose deadline, plus
    the submission grace, has not passed (an abandoned attempt stops counting by itself)."""
    return TestAttempt.objects.filter(
        user=user, status=TestAttempt.Status.ACTIVE, deadline__gt=submit_cutoff()
    ).exists()


def student_attempts(*, user: User, test_id: int) -> QuerySet[TestAttempt]:
    return TestAttempt.objects.filter(user=user, test_id=test_id).order_by("attempt_number")


def shown_status(attempt: TestAttempt, cutoff: datetime) -> str:
    """An attempt left active past its deadline is over, though not yet closed in the table."""
    if attempt.status == TestAttempt.Status.ACTIVE and attempt.deadline < cutoff:
        return TestAttempt.Status.EXPIRED
    return attempt.status


def _summary(test: Test, attempts: list[TestAttempt]) -> dict[str, Any]:
    cutoff = submit_cutoff()
    graded = [
        a.percent
        for a in attempts
        if a.status == TestAttempt.Status.SUBMITTED and a.percent is not None
    ]
    active = next((a for a in attempts if shown_status(a, cutoff) == "active"), None)
    return {
        **{name: getattr(test, name) for name in SUMMARY_FIELDS},
        "question_count": len(test.questions),
        "total_points": sum(question.points for question in test.questions),
        "attempts_used": len(attempts),
        "attempts_left": max(0, test.max_attempts - len(attempts)),
        "best_percent": max(graded, default=None),
        "passed": any(a.passed for a in attempts),
        "active_attempt_id": active.pk if active else None,
    }


def student_tests(*, user: User, course_id: int) -> list[dict[str, Any]]:
    enrollment_require(user=user, course_id=course_id)
    tests = guru_reads.course_tests(course_id)
    by_test: dict[int, list[TestAttempt]] = {}
    for attempt in TestAttempt.objects.filter(user=user, course_id=course_id).order_by(
        "attempt_number"
    ):
        by_test.setdefault(attempt.test_id, []).append(attempt)
    return [_summary(test, by_test.get(test.id, [])) for test in tests]


def student_test(*, user: User, course_id: int, test_id: int) -> dict[str, Any]:
    """A test's summary and the student's own attempts (questions as served; results only
    once submitted)."""
    test = course_test_open(user=user, course_id=course_id, test_id=test_id)
    attempts = list(student_attempts(user=user, test_id=test_id))
    return {**_summary(test, attempts), "attempts": attempts}
