"""The marksheet endpoint: /api/marksheet, the signed-in student's own."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import student_of
from learning.marksheet.grades import CLASSIFICATION_CHOICES, GRADES
from learning.marksheet.selectors import marksheet_compute
from learning.marksheet.services import marksheet_identity_get_or_create


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
