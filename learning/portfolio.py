"""Public portfolios: what a student chose to show (profile, skills and certificates earned,
completed courses, chosen projects), and the student's own view with private progress stats.

Never shown: the email, internal ids, the wallet. A hidden portfolio looks exactly like an
unknown username.
"""

from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import student_of
from config.ratelimit import source_limit
from learning.errors import PortfolioNotFound
from learning.models import (
    Certificate,
    Enrollment,
    LabCompletion,
    LessonCompletion,
    ProjectSubmission,
    TestAttempt,
)
from shishya import guru_reads
from shishya.errors import GuruNotFound, GuruUnavailable

PUBLIC_PORTFOLIO_RATE = "60/m"


def portfolio_owner(*, username: str) -> User:
    """The student whose portfolio is public under username; hidden or unknown is 404 alike."""
    owner = User.objects.filter(
        username=username.lower(),
        portfolio_visibility=User.PortfolioVisibility.PUBLIC,
        role=User.Role.STUDENT,
        is_active=True,
    ).first()
    if owner is None:
        raise PortfolioNotFound()
    return owner


def _project_titles(course_ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Guru's course and project titles for the courses of shown projects (cached reads). A
    portfolio still shows the student's work while Guru cannot name it."""
    try:
        courses = {course.id: course.title for course in guru_reads.courses()}
    except GuruUnavailable:
        courses = {}
    projects: dict[int, str] = {}
    for course_id in sorted(course_ids):
        try:
            projects.update({p.id: p.title for p in guru_reads.course_projects(course_id)})
        except (GuruNotFound, GuruUnavailable):
            continue
    return courses, projects


def portfolio_public(*, user: User) -> dict[str, Any]:
    """The portfolio as anyone may see it.

    Completed courses are the courses with an issued (not revoked) certificate: Guru's
    certificate rules are what decide that a course is complete, and the certificate is the
    record that they were met.
    """
    certificates = list(
        Certificate.objects.filter(user=user, revoked_at__isnull=True).order_by("issued_at", "id")
    )
    shown = list(
        ProjectSubmission.objects.filter(user=user, show_in_portfolio=True).order_by(
            "-submitted_at", "-id"
        )
    )
    skills = list(dict.fromkeys(skill for cert in certificates for skill in cert.skills))
    course_titles, project_titles = (
        _project_titles({s.course_id for s in shown}) if shown else ({}, {})
    )
    return {
        "username": user.username,
        "name": user.name,
        "headline": user.headline,
        "bio": user.bio,
        "links": user.links,
        "avatar_url": user.avatar_url,
        "skills": skills,
        "certificates": [
            {
                "id": cert.id,
                "course_title": cert.course_title,
                "skills": cert.skills,
                "issued_at": cert.issued_at,
                "verification_url": reverse(
                    "verify-certificate", kwargs={"certificate_id": cert.id}
                ),
                "verification_page_url": reverse(
                    "verify-certificate-page", kwargs={"certificate_id": cert.id}
                ),
            }
            for cert in certificates
        ],
        "completed_courses": [
            {"title": cert.course_title, "completed_at": cert.issued_at, "certificate_id": cert.id}
            for cert in certificates
        ],
        "projects": [
            {
                "title": project_titles.get(submission.project_id),
                "course_title": course_titles.get(submission.course_id),
                "repo_url": submission.repo_url,
                "live_url": submission.live_url,
                "status": submission.status,
                "submitted_at": submission.submitted_at,
            }
            for submission in shown
        ],
    }


def portfolio_stats(*, user: User) -> dict[str, int]:
    """The student's own progress counts, shown only to them."""
    return {
        "enrolled_courses": Enrollment.objects.filter(user=user).count(),
        "lessons_completed": LessonCompletion.objects.filter(user=user).count(),
        "labs_completed": LabCompletion.objects.filter(user=user).count(),
        "tests_passed": TestAttempt.objects.filter(user=user, passed=True)
        .values("test_id")
        .distinct()
        .count(),
        "projects_submitted": ProjectSubmission.objects.filter(user=user).count(),
    }


class CertificateCard(serializers.Serializer):
    id = serializers.CharField(help_text="The certificate's public verification id.")
    course_title = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    issued_at = serializers.DateTimeField()
    verification_url = serializers.CharField()
    verification_page_url = serializers.CharField()


class CompletedCourse(serializers.Serializer):
    title = serializers.CharField()
    completed_at = serializers.DateTimeField()
    certificate_id = serializers.CharField()


class ShownProject(serializers.Serializer):
    title = serializers.CharField(allow_null=True)
    course_title = serializers.CharField(allow_null=True)
    repo_url = serializers.CharField()
    live_url = serializers.CharField()
    status = serializers.ChoiceField(choices=ProjectSubmission.Status.choices)
    submitted_at = serializers.DateTimeField()


class PortfolioOutput(serializers.Serializer):
    username = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    headline = serializers.CharField()
    bio = serializers.CharField()
    links = serializers.ListField(child=serializers.CharField())
    avatar_url = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    certificates = CertificateCard(many=True)
    completed_courses = CompletedCourse(many=True)
    projects = ShownProject(many=True)


class PortfolioStats(serializers.Serializer):
    enrolled_courses = serializers.IntegerField()
    lessons_completed = serializers.IntegerField()
    labs_completed = serializers.IntegerField()
    tests_passed = serializers.IntegerField()
    projects_submitted = serializers.IntegerField()


class MyPortfolioOutput(serializers.Serializer):
    portfolio_visibility = serializers.ChoiceField(choices=User.PortfolioVisibility.choices)
    public_url = serializers.CharField(
        allow_null=True, help_text="Where others see it; null while private or without username."
    )
    portfolio = PortfolioOutput(help_text="Exactly what others see when it is public.")
    stats = PortfolioStats(help_text="Private: only the student sees these.")


class MyPortfolioView(APIView):
    @extend_schema(operation_id="portfolio_me", responses=MyPortfolioOutput)
    def get(self, request: Request) -> Response:
        user = student_of(request)
        public = user.portfolio_visibility == User.PortfolioVisibility.PUBLIC and user.username
        data = {
            "portfolio_visibility": user.portfolio_visibility,
            "public_url": f"/api/portfolio/{user.username}" if public else None,
            "portfolio": portfolio_public(user=user),
            "stats": portfolio_stats(user=user),
        }
        return Response(MyPortfolioOutput(data).data)


class PublicPortfolioView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="portfolio_public", responses=PortfolioOutput)
    def get(self, request: Request, username: str) -> Response:
        # Per source: enumerating usernames is slow, reading portfolios is not.
        source_limit(request, group="portfolio", rate=settings.PORTFOLIO_RATE_PER_SOURCE)
        owner = portfolio_owner(username=username)
        return Response(PortfolioOutput(portfolio_public(user=owner)).data)
