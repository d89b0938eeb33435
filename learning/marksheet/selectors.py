"""The student's marksheet, computed live from SHISHYA's own records and Guru's courses.

A course is completed when the student has submitted every test Guru publishes for it, or
holds a valid certificate for it. Its score is the mean, over the course's tests the
student submitted, of the best percentage of each test. A course with no submitted test
has no score and is left off (a certificate alone earns no grade).
"""

from collections import defaultdict
from typing import Any

from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from config.errors import NotFound
from learning.marksheet.grades import CourseResult, course_result, marksheet_totals
from learning.models import Certificate, MarksheetIdentity, TestAttempt
from learning.verification_ids import MARKSHEET_PREFIX, verification_id_normalize
from shishya import guru_reads
from shishya.errors import GuruNotFound


def best_test_percents_by_course(*, user: User) -> dict[int, dict[int, int]]:
    """Course id -> test id -> best graded percentage, for every course, in one query."""
    rows = (
        TestAttempt.objects.filter(user=user, status=TestAttempt.Status.SUBMITTED)
        .values("course_id", "test_id")
        .annotate(best=Max("percent"))
    )
    by_course: defaultdict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        by_course[row["course_id"]][row["test_id"]] = row["best"]
    return dict(by_course)


def marksheet_compute(*, user: User, identity: MarksheetIdentity) -> dict[str, Any]:
    best_by_course = best_test_percents_by_course(user=user)
    certified = set(
        Certificate.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "course_id", flat=True
        )
    )
    catalogue = {course.id: course for course in guru_reads.courses()}
    results: list[CourseResult] = []
    for course_id in sorted(best_by_course):
        course = catalogue.get(course_id)
        if course is None:  # no longer published: Guru no longer vouches for its credits
            continue
        try:
            test_ids = [test.id for test in guru_reads.course_tests(course_id)]
        except GuruNotFound:
            continue
        best = best_by_course[course_id]
        submitted = [best[test_id] for test_id in test_ids if test_id in best]
        if not submitted:
            continue
        if len(submitted) == len(test_ids):
            completed_via = "tests"
        elif course_id in certified:
            completed_via = "certificate"
        else:
            continue
        results.append(
            course_result(
                course_id=course_id,
                course_title=course.title,
                academic_credits=course.academic_credits,
                completed_via=completed_via,
                best_percents=submitted,
            )
        )

    totals = marksheet_totals(results)
    return {
        "verification_id": identity.verification_id,
        "student_name": user.name,
        "generated_at": timezone.now(),
        "courses": results,
        "total_credits": totals.total_credits,
        "cgpa": totals.cgpa,
        "percentage": totals.percentage,
        "classification": totals.classification,
    }


def marksheet_public_get(*, verification_id: str) -> dict[str, Any]:
    """The marksheet a verification id stands for, as of now; 404 for an unknown id."""
    normalized = verification_id_normalize(verification_id)
    identity = (
        MarksheetIdentity.objects.select_related("user").filter(verification_id=normalized).first()
        if normalized and normalized.startswith(MARKSHEET_PREFIX + "-")
        else None
    )
    if identity is None:
        raise NotFound("No marksheet has this id.")
    return marksheet_compute(user=identity.user, identity=identity)
