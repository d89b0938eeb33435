"""Lab endpoints: /api/labs/:courseId, /api/labs/:courseId/:labId and its submit."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import student_of
from config.openapi import ErrorSerializer
from config.ratelimit import rate_limit
from config.serializers import StrictSerializer
from learning.labs.selectors import student_lab, student_labs
from learning.labs.services import lab_submit
from learning.models import LabSubmission
from wallet.idempotency import idempotency_key_parameter, idempotent, student_caller

IDEMPOTENCY_KEY = idempotency_key_parameter(
    "Unique per submission (8-200 of letters, digits, . _ : -); a retry with "
    "the same key and body replays the first verdict and is not charged again."
)


class LabUnlockRule(serializers.Serializer):
    rule = serializers.ChoiceField(
        choices=["always", "lesson_complete", "lab_complete", "test_pass", "module_complete"]
    )
    reference_id = serializers.IntegerField(
        allow_null=True, help_text="The lesson, lab, test or module the rule names."
    )


class StudentLabSummary(serializers.Serializer):
    id = serializers.IntegerField()
    module_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    order = serializers.IntegerField()
    language = serializers.CharField()
    validation_type = serializers.CharField()
    certificate_weight = serializers.IntegerField()
    locked = serializers.BooleanField()
    unlock = LabUnlockRule(help_text="What opens the lab (while locked, what to do first).")
    completed = serializers.BooleanField()


class StudentLabDetail(StudentLabSummary):
    instructions = serializers.CharField()
    starter_code = serializers.CharField()
    hints = serializers.ListField(child=serializers.CharField())


class LabListView(APIView):
    @extend_schema(operation_id="labs", responses=StudentLabSummary(many=True))
    def get(self, request: Request, course_id: int) -> Response:
        labs = student_labs(user=student_of(request), course_id=course_id)
        return Response(StudentLabSummary(labs, many=True).data)


class LabDetailView(APIView):
    @extend_schema(operation_id="lab", responses=StudentLabDetail)
    def get(self, request: Request, course_id: int, lab_id: int) -> Response:
        lab = student_lab(user=student_of(request), course_id=course_id, lab_id=lab_id)
        return Response(StudentLabDetail(lab).data)


class LabSubmitInput(StrictSerializer):
    code = serializers.CharField(trim_whitespace=False)

    def validate_code(self, code: str) -> str:
        if len(code.encode()) > settings.LAB_CODE_MAX_BYTES:
            raise serializers.ValidationError(
                f"Code is limited to {settings.LAB_CODE_MAX_BYTES} bytes."
            )
        return code


class StudentLabSubmission(serializers.ModelSerializer):
    passed = serializers.SerializerMethodField()

    class Meta:
        model = LabSubmission
        fields = ["id", "lab_id", "verdict", "passed", "feedback", "credits_charged", "created_at"]
        extra_kwargs = {
            "feedback": {
                "help_text": "The checker's message and the program's own output (never the "
                "expected output)."
            }
        }

    def get_passed(self, submission: LabSubmission) -> bool:
        return submission.verdict == LabSubmission.Verdict.PASSED


class LabSubmitView(APIView):
    @extend_schema(
        operation_id="lab_submit",
        request=LabSubmitInput,
        responses={
            200: StudentLabSubmission,
            402: ErrorSerializer,
            409: ErrorSerializer,
            422: ErrorSerializer,
            502: ErrorSerializer,
        },
        parameters=[IDEMPOTENCY_KEY],
    )
    # The code runs on Judge0 outside any transaction; the charge and the submission are
    # keyed by the Idempotency-Key themselves.
    @idempotent(student_caller, atomic=False)
    def post(self, request: Request, course_id: int, lab_id: int) -> Response:
        student = student_of(request)
        rate_limit(
            request, group="lab-submit:user", key=str(student.pk), rate=settings.LAB_SUBMIT_RATE
        )
        data = LabSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        submission = lab_submit(
            user=student,
            course_id=course_id,
            lab_id=lab_id,
            code=data.validated_data["code"],
            idempotency_key=request.headers["Idempotency-Key"],
        )
        return Response(StudentLabSubmission(submission).data)
