"""A student's learning records written straight through the ORM: the endpoints that write
them (enrollment, lessons, labs, tests, projects) are tested on their own."""

from datetime import timedelta

from django.utils import timezone

from learning.models import (
    LabCompletion,
    LabSubmission,
    LessonCompletion,
    ProjectSubmission,
    TestAttempt,
)


def complete_lessons(student, course_id: int, lesson_ids) -> None:
    for lesson_id in lesson_ids:
        LessonCompletion.objects.create(user=student, course_id=course_id, lesson_id=lesson_id)


def complete_lab(student, course_id: int, lab_id: int) -> LabCompletion:
    submission = LabSubmission.objects.create(
        user=student,
        course_id=course_id,
        lab_id=lab_id,
        idempotency_key=f"lab-{lab_id}-{student.pk}",
        code="print('hi')",
        verdict=LabSubmission.Verdict.PASSED,
    )
    return LabCompletion.objects.create(
        user=student, course_id=course_id, lab_id=lab_id, submission=submission
    )


def sit_test(
    student,
    course_id: int,
    test_id: int,
    percent: int,
    *,
    pass_mark: int = 60,
    status: str = TestAttempt.Status.SUBMITTED,
) -> TestAttempt:
    """One attempt of the test, graded at `percent` (the next attempt number)."""
    number = TestAttempt.objects.filter(user=student, test_id=test_id).count() + 1
    now = timezone.now()
    submitted = status == TestAttempt.Status.SUBMITTED
    return TestAttempt.objects.create(
        user=student,
        course_id=course_id,
        test_id=test_id,
        attempt_number=number,
        max_attempts=5,
        status=status,
        questions=[],
        started_at=now - timedelta(minutes=5),
        deadline=now + timedelta(minutes=5),
        submitted_at=now if submitted else None,
        score_points=percent if submitted else None,
        max_points=100 if submitted else None,
        percent=percent if submitted else None,
        passed=percent >= pass_mark if submitted else None,
    )


def submit_project(
    student, course_id: int, project_id: int, status: str = ProjectSubmission.Status.PENDING
) -> ProjectSubmission:
    return ProjectSubmission.objects.create(
        user=student,
        course_id=course_id,
        project_id=project_id,
        repo_url="https://github.com/asha/project",
        status=status,
    )
