"""Reads of portfolios: what a student chose to show (profile, skills and certificates earned,
completed courses, chosen projects), and the student's own view with private progress stats.

Never shown: the email, internal ids, the wallet. A hidden portfolio looks exactly like an
unknown username.
"""

from typing import Any

from django.urls import reverse

from accounts.models import User
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


def portfolio_own(*, user: User) -> dict[str, Any]:
    """The student's own view: the portfolio as others see it, where, and private stats."""
    public = user.portfolio_visibility == User.PortfolioVisibility.PUBLIC and user.username
    return {
        "portfolio_visibility": user.portfolio_visibility,
        "public_url": f"/api/portfolio/{user.username}" if public else None,
        "portfolio": portfolio_public(user=user),
        "stats": portfolio_stats(user=user),
    }
