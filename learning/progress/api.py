"""The progress endpoint: /api/courses/:courseId/progress."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import student_of
from learning.progress.selectors import course_progress


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
