"""Submitting (or resubmitting) a project's links for review."""

from django.db import IntegrityError, transaction

from accounts.models import User
from learning.access import project_open
from learning.errors import ProjectAlreadyAccepted
from learning.models import ProjectSubmission
from shishya.services import notification_send


def project_submit(
    *,
    user: User,
    course_id: int,
    project_id: int,
    repo_url: str,
    live_url: str,
    notes: str,
    show_in_portfolio: bool | None,
) -> tuple[ProjectSubmission, bool]:
    """Stores the student's submission for review; returns it and whether it is the first.

    A resubmission replaces the student's submission while it awaits review or needs changes
    (back to pending); an accepted one stays as it was accepted. show_in_portfolio=None keeps
    the earlier choice (off for a first submission).
    """
    project = project_open(user=user, course_id=course_id, project_id=project_id)

    with transaction.atomic():
        submission = (
            ProjectSubmission.objects.select_for_update()
            .filter(user=user, project_id=project_id)
            .first()
        )
        created = submission is None
        if submission is None:
            try:
                with transaction.atomic():
                    submission = ProjectSubmission.objects.create(
                        user=user,
                        course_id=course_id,
                        project_id=project_id,
                        repo_url=repo_url,
                        live_url=live_url,
                        notes=notes,
                        show_in_portfolio=bool(show_in_portfolio),
                    )
            except IntegrityError:
                # A concurrent first submission won: this one replaces it like a resubmission.
                created = False
                submission = ProjectSubmission.objects.select_for_update().get(
                    user=user, project_id=project_id
                )
        if not created:
            if submission.status == ProjectSubmission.Status.ACCEPTED:
                raise ProjectAlreadyAccepted()
            submission.repo_url = repo_url
            submission.live_url = live_url
            submission.notes = notes
            submission.status = ProjectSubmission.Status.PENDING
            if show_in_portfolio is not None:
                submission.show_in_portfolio = show_in_portfolio
            submission.save()
        notification_send(
            user=user,
            kind="project_submitted",
            title=f"Project submitted: {project.title}",
            body="Your project is awaiting review.",
            data={"course_id": course_id, "project_id": project_id},
        )
    return submission, created
