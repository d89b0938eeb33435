"""Project endpoints: /api/projects/:courseId and its submit. Graders' notes never reach
students."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import student_of
from accounts.validators import http_url
from config.openapi import ErrorSerializer
from config.serializers import StrictSerializer
from learning.models import ProjectSubmission
from learning.projects.selectors import course_projects_for_student
from learning.projects.services import project_submit

URL_MAX_LENGTH = 500
NOTES_MAX_LENGTH = 5000


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
