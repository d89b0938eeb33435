"""A student's progress in one course: lessons, labs, tests and projects done against Guru's
totals, and how far they are from the certificate."""

from dataclasses import dataclass
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import student_of
from learning.access import enrollment_require
from learning.certificates.eligibility import Eligibility, certificate_eligibility
from learning.models import Certificate
from learning.selectors import course_records
from shishya import guru_reads
from shishya.errors import GuruNotFound
from shishya.guru_models import CertificateRule, Course, Lab, Project, Test


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


def _tally(done: set[int], listed: list[int]) -> dict[str, int]:
    # Only what Guru still publishes counts, so a removed lesson never inflates progress.
    return {"completed": len(done.intersection(listed)), "total": len(listed)}


def course_progress(*, user: User, course_id: int) -> dict[str, Any]:
    enrollment_require(user=user, course_id=course_id)
    content = course_content_get(course_id=course_id)
    records = course_records(user=user, course_id=course_id)
    eligibility: Eligibility = certificate_eligibility(
        rules=content.rules,
        tests=content.tests,
        labs=content.labs,
        projects=content.projects,
        records=records,
    )
    # A test counts as done once passed with its own pass mark (the certificate may ask more).
    passed_tests = {
        test.id
        for test in content.tests
        if records.best_test_percents.get(test.id, -1) >= test.pass_percentage
    }
    parts = {
        "lessons": _tally(records.lesson_ids, content.lesson_ids),
        "labs": _tally(records.lab_ids, [lab.id for lab in content.labs]),
        "tests": _tally(passed_tests, [test.id for test in content.tests]),
        "projects": _tally(records.project_ids, [project.id for project in content.projects]),
    }
    done = sum(part["completed"] for part in parts.values())
    total = sum(part["total"] for part in parts.values())
    certificate_id = (
        Certificate.objects.filter(user=user, course_id=course_id)
        .values_list("id", flat=True)
        .first()
    )
    return {
        "course_id": course_id,
        **parts,
        "percent": done * 100 // total if total else 0,
        "certificate": {
            "offered": eligibility.offered,
            "eligible": eligibility.eligible,
            "issued": certificate_id is not None,
            "certificate_id": certificate_id,
            "missing": eligibility.missing,
        },
    }


class TallyOutput(serializers.Serializer):
    completed = serializers.IntegerField()
    total = serializers.IntegerField()


class ShortfallOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["test", "lab", "lab_weight", "project"])
    id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField(allow_blank=True)
    # A declared field (DRF's metaclass moves it off the class): it shadows no Field.required.
    required = serializers.IntegerField(  # type: ignore[assignment]
        allow_null=True,
        help_text="Pass percentage of a test, or the total certificate weight of labs needed.",
    )
    achieved = serializers.IntegerField(
        allow_null=True, help_text="Best percentage so far, or the lab weight reached."
    )


class CertificateStandingOutput(serializers.Serializer):
    offered = serializers.BooleanField(help_text="Whether the course has a certificate.")
    eligible = serializers.BooleanField()
    issued = serializers.BooleanField()
    certificate_id = serializers.CharField(allow_null=True)
    missing = ShortfallOutput(many=True)


class ProgressOutput(serializers.Serializer):
    course_id = serializers.IntegerField()
    lessons = TallyOutput()
    labs = TallyOutput()
    tests = TallyOutput(help_text="Tests passed with their own pass mark.")
    projects = TallyOutput(help_text="Projects submitted and not sent back for changes.")
    percent = serializers.IntegerField(help_text="Lessons, labs, tests and projects done, in %.")
    certificate = CertificateStandingOutput()


class CourseProgressView(APIView):
    @extend_schema(operation_id="course_progress", responses=ProgressOutput)
    def get(self, request: Request, course_id: int) -> Response:
        progress = course_progress(user=student_of(request), course_id=course_id)
        return Response(ProgressOutput(progress).data)
