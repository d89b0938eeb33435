"""The student's marksheet, computed live from SHISHYA's own records: per completed course a
score, grade and grade points; Guru's academic credits as weights; CGPA and classification.

A course is completed when the student has submitted every test Guru publishes for it, or
holds a valid certificate for it. Its score is the mean, over the course's tests the
student submitted, of the best percentage of each test. A course with no submitted test
has no score and is left off (a certificate alone earns no grade).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import student_of
from config.errors import NotFound
from learning.models import Certificate, MarksheetIdentity
from learning.selectors import best_test_percents_by_course
from learning.verification_ids import (
    MARKSHEET_PREFIX,
    verification_id_new,
    verification_id_normalize,
)
from shishya import guru_reads
from shishya.errors import GuruNotFound

CENTI = Decimal("0.01")
# Lowest score of each grade and its grade points; below the last, F with 0 points.
GRADE_SCALE: list[tuple[int, str, int]] = [
    (90, "O", 10),
    (80, "A+", 9),
    (70, "A", 8),
    (60, "B+", 7),
    (50, "B", 6),
    (40, "C", 5),
]
# On the credit-weighted percentage; below the last, "fail".
CLASSIFICATIONS: list[tuple[int, str]] = [
    (75, "distinction"),
    (60, "first_class"),
    (50, "second_class"),
    (40, "pass"),
]


def grade_for(score: Decimal) -> tuple[str, int]:
    for lowest, grade, points in GRADE_SCALE:
        if score >= lowest:
            return grade, points
    return "F", 0


def classification_for(percentage: Decimal) -> str:
    for lowest, classification in CLASSIFICATIONS:
        if percentage >= lowest:
            return classification
    return "fail"


def _centi(value: Decimal) -> Decimal:
    return value.quantize(CENTI, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CourseResult:
    course_id: int
    course_title: str
    academic_credits: int
    completed_via: str  # "tests" or "certificate"
    tests_counted: int
    score: Decimal
    grade: str
    grade_points: int


def marksheet_identity_get_or_create(*, user: User) -> MarksheetIdentity:
    identity = MarksheetIdentity.objects.filter(user=user).first()
    if identity is not None:
        return identity
    try:
        with transaction.atomic():
            return MarksheetIdentity.objects.create(
                user=user, verification_id=verification_id_new(MARKSHEET_PREFIX)
            )
    except IntegrityError:
        # Created by a concurrent request (or, at 80 bits, practically never, an id taken).
        identity = MarksheetIdentity.objects.filter(user=user).first()
        if identity is not None:
            return identity
        return MarksheetIdentity.objects.create(
            user=user, verification_id=verification_id_new(MARKSHEET_PREFIX)
        )


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
        score = _centi(Decimal(sum(submitted)) / len(submitted))
        grade, points = grade_for(score)
        results.append(
            CourseResult(
                course_id=course_id,
                course_title=course.title,
                academic_credits=course.academic_credits,
                completed_via=completed_via,
                tests_counted=len(submitted),
                score=score,
                grade=grade,
                grade_points=points,
            )
        )

    total_credits = sum(result.academic_credits for result in results)
    cgpa = percentage = classification = None
    if total_credits:
        cgpa = _centi(
            Decimal(sum(r.grade_points * r.academic_credits for r in results)) / total_credits
        )
        weighted = sum((r.score * r.academic_credits for r in results), Decimal(0))
        percentage = _centi(weighted / total_credits)
        classification = classification_for(percentage)
    return {
        "verification_id": identity.verification_id,
        "student_name": user.name,
        "generated_at": timezone.now(),
        "courses": results,
        "total_credits": total_credits,
        "cgpa": cgpa,
        "percentage": percentage,
        "classification": classification,
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


GRADES = [grade for _, grade, _ in GRADE_SCALE] + ["F"]
CLASSIFICATION_CHOICES = [name for _, name in CLASSIFICATIONS] + ["fail"]
CLASSIFICATION_LABELS = {
    "distinction": "Distinction",
    "first_class": "First Class",
    "second_class": "Second Class",
    "pass": "Pass",
    "fail": "Fail",
}


class CourseResultOutput(serializers.Serializer):
    course_id = serializers.IntegerField()
    course_title = serializers.CharField()
    academic_credits = serializers.IntegerField()
    completed_via = serializers.ChoiceField(choices=["tests", "certificate"])
    tests_counted = serializers.IntegerField()
    score = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text="Mean of the best percentage of each test."
    )
    grade = serializers.ChoiceField(choices=GRADES)
    grade_points = serializers.IntegerField()


class MarksheetOutput(serializers.Serializer):
    verification_id = serializers.CharField()
    student_name = serializers.CharField(allow_blank=True)
    generated_at = serializers.DateTimeField()
    courses = CourseResultOutput(many=True)
    total_credits = serializers.IntegerField()
    cgpa = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    percentage = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text="Credit-weighted mean score, which the classification is read from.",
    )
    classification = serializers.ChoiceField(choices=CLASSIFICATION_CHOICES, allow_null=True)


class MarksheetView(APIView):
    @extend_schema(operation_id="marksheet", responses=MarksheetOutput)
    def get(self, request: Request) -> Response:
        identity = marksheet_identity_get_or_create(user=student_of(request))
        return Response(
            MarksheetOutput(marksheet_compute(user=student_of(request), identity=identity)).data
        )
