"""Course projects: Guru's project briefs with the student's own submission, and submitting
(or resubmitting) a project's links for review. Graders' notes never reach students."""

from typing import Any

from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import student_of
from accounts.validators import http_url
from config.openapi import ErrorSerializer
from config.serializers import StrictSerializer
from learning.access import enrollment_require, project_open
from learning.errors import ProjectAlreadyAccepted
from learning.models import ProjectSubmission
from shishya import guru_reads
from shishya.guru_models import to_json
from shishya.services import notification_send

URL_MAX_LENGTH = 500
NOTES_MAX_LENGTH = 5000


def course_projects_for_student(*, user: User, course_id: int) -> list[dict[str, Any]]:
    """Guru's projects of the course, each with the student's submission (or None)."""
    enrollment_require(user=user, course_id=course_id)
    projects = guru_reads.course_projects(course_id)
    submissions = {
        submission.project_id: submission
        for submission in ProjectSubmission.objects.filter(user=user, course_id=course_id)
    }
    return [{**to_json(project), "submission": submissions.get(project.id)} for project in projects]


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


class SubmissionOutput(serializers.ModelSerializer):
    class Meta:
        model = ProjectSubmission
        fields = [
            "course_id",
            "project_id",
            "repo_url",
            "live_url",
            "notes",
            "status",
            "show_in_portfolio",
            "submitted_at",
        ]
        read_only_fields = fields


class StudentProject(serializers.Serializer):
    """A project brief as students see it: never the graders' evaluation notes."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    objectives = serializers.ListField(child=serializers.CharField())
    deliverables = serializers.ListField(child=serializers.CharField())
    skills = serializers.ListField(child=serializers.CharField())
    submission = SubmissionOutput(allow_null=True)


class SubmitInput(StrictSerializer):
    repo_url = serializers.URLField(max_length=URL_MAX_LENGTH, validators=[http_url])
    live_url = serializers.URLField(
        max_length=URL_MAX_LENGTH, validators=[http_url], required=False, allow_blank=True
    )
    notes = serializers.CharField(
        max_length=NOTES_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=True
    )
    show_in_portfolio = serializers.BooleanField(required=False)


class CourseProjectsView(APIView):
    @extend_schema(operation_id="course_projects", responses=StudentProject(many=True))
    def get(self, request: Request, course_id: int) -> Response:
        projects = course_projects_for_student(user=student_of(request), course_id=course_id)
        return Response(StudentProject(projects, many=True).data)


class ProjectSubmitView(APIView):
    @extend_schema(
        operation_id="project_submit",
        request=SubmitInput,
        responses={200: SubmissionOutput, 201: SubmissionOutput, 409: ErrorSerializer},
        description="Submits the project's links for review: 201 for a first submission, 200 "
        "when it replaces the earlier one (pending or needing changes; not once accepted).",
    )
    def post(self, request: Request, course_id: int, project_id: int) -> Response:
        data = SubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        submission, created = project_submit(
            user=student_of(request),
            course_id=course_id,
            project_id=project_id,
            repo_url=data.validated_data["repo_url"],
            live_url=data.validated_data.get("live_url", ""),
            notes=data.validated_data.get("notes", ""),
            show_in_portfolio=data.validated_data.get("show_in_portfolio"),
        )
        return Response(SubmissionOutput(submission).data, status=201 if created else 200)
