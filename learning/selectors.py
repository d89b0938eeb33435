"""Reads several features share: the student's own learning records in a course (the access
rule, progress and certificates decide on them), and Guru's content of a course as progress
and certificates need it."""

from dataclasses import dataclass

from django.db.models import Max

from accounts.models import User
from learning.models import (
    LabCompletion,
    LessonCompletion,
    ProjectSubmission,
    TestAttempt,
)
from shishya import guru_reads
from shishya.errors import GuruNotFound
from shishya.guru_models import CertificateRule, Course, Lab, Project, Test


def completed_lesson_ids(*, user: User, course_id: int) -> set[int]:
    return set(
        LessonCompletion.objects.filter(user=user, course_id=course_id).values_list(
            "lesson_id", flat=True
        )
    )


def completed_lab_ids(*, user: User, course_id: int) -> set[int]:
    return set(
        LabCompletion.objects.filter(user=user, course_id=course_id).values_list(
            "lab_id", flat=True
        )
    )


def best_test_percents(*, user: User, course_id: int) -> dict[int, int]:
    """The best graded percentage of each test the student submitted in the course."""
    rows = (
        TestAttempt.objects.filter(
            user=user, course_id=course_id, status=TestAttempt.Status.SUBMITTED
        )
        .values("test_id")
        .annotate(best=Max("percent"))
    )
    return {row["test_id"]: row["best"] for row in rows}


def passed_test_ids(*, user: User, course_id: int) -> set[int]:
    return set(
        TestAttempt.objects.filter(user=user, course_id=course_id, passed=True).values_list(
            "test_id", flat=True
        )
    )


def standing_project_ids(*, user: User, course_id: int) -> set[int]:
    """Projects the student submitted that were not sent back for changes."""
    return set(
        ProjectSubmission.objects.filter(user=user, course_id=course_id)
        .exclude(status=ProjectSubmission.Status.REJECTED)
        .values_list("project_id", flat=True)
    )


@dataclass(frozen=True)
class CourseRecords:
    """What the student has done in one course, from SHISHYA's own rows only."""

    lesson_ids: set[int]
    lab_ids: set[int]
    best_test_percents: dict[int, int]
    project_ids: set[int]


def course_records(*, user: User, course_id: int) -> CourseRecords:
    """Four queries, whatever the size of the course."""
    return CourseRecords(
        lesson_ids=completed_lesson_ids(user=user, course_id=course_id),
        lab_ids=completed_lab_ids(user=user, course_id=course_id),
        best_test_percents=best_test_percents(user=user, course_id=course_id),
        project_ids=standing_project_ids(user=user, course_id=course_id),
    )


@dataclass(frozen=True)
class CourseContent:
    """What Guru publishes of one course, as far as progress and certificates need it."""

    course: Course
    lesson_ids: list[int]
    tests: list[Test]
    labs: list[Lab]
    projects: list[Project]
    # None when the course offers no certificate.
    rules: CertificateRule | None


def course_content_get(*, course_id: int, fresh_rules: bool = False) -> CourseContent:
    """Guru's course (404 when it does not publish it) with its assessments and rules.
    fresh_rules: the rules decide a charge, so never a stale copy of them."""
    course = guru_reads.course(course_id)
    try:
        rules = guru_reads.certificate_rules(course_id, require_fresh=fresh_rules)
    except GuruNotFound:
        rules = None
    return CourseContent(
        course=course,
        lesson_ids=course.lesson_ids(),
        tests=guru_reads.course_tests(course_id),
        labs=guru_reads.course_labs(course_id),
        projects=guru_reads.course_projects(course_id),
        rules=rules,
    )
