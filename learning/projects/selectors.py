"""Guru's project briefs of a course, each with the student's own submission."""

from typing import Any

from accounts.models import User
from learning.access import enrollment_require
from learning.models import ProjectSubmission
from shishya import guru_reads
from shishya.guru_models import to_json


def course_projects_for_student(*, user: User, course_id: int) -> list[dict[str, Any]]:
    """Guru's projects of the course, each with the student's submission (or None)."""
    enrollment_require(user=user, course_id=course_id)
    projects = guru_reads.course_projects(course_id)
    submissions = {
        submission.project_id: submission
        for submission in ProjectSubmission.objects.filter(user=user, course_id=course_id)
    }
    return [{**to_json(project), "submission": submissions.get(project.id)} for project in projects]
