"""Test endpoints: /api/tests/:courseId, /api/tests/:courseId/:testId, its start and submit."""

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
from learning.assessments.selectors import shown_status, student_test, student_tests, submit_cutoff
from learning.assessments.services import test_attempt_start, test_attempt_submit
from learning.models import TestAttempt


class ServedQuestion(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    type = serializers.CharField(
        help_text="single_choice, multiple_choice, true_false or short_answer."
    )
    prompt = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    points = serializers.IntegerField()


class QuestionResult(serializers.Serializer):
    question_id = serializers.IntegerField()
    correct = serializers.BooleanField()
    points_awarded = serializers.IntegerField()
    points = serializers.IntegerField()
    explanation = serializers.CharField()


class StudentTestAttempt(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    questions = ServedQuestion(many=True, help_text="The questions as served, without answers.")
    answers = serializers.DictField(
        allow_null=True, help_text="Question id -> the answer given, once submitted."
    )
    results = QuestionResult(
        many=True, allow_null=True, help_text="Per question, once submitted (else null)."
    )

    class Meta:
        model = TestAttempt
        fields = [
            "id",
            "course_id",
            "test_id",
            "attempt_number",
            "max_attempts",
            "status",
            "started_at",
            "deadline",
            "submitted_at",
            "questions",
            "answers",
            "results",
            "score_points",
            "max_points",
            "percent",
            "passed",
        ]

    def get_status(self, attempt: TestAttempt) -> str:
        return shown_status(attempt, self.context.get("cutoff") or submit_cutoff())


class StudentTestSummary(serializers.Serializer):
    __test__ = False  # not a pytest test class

    id = serializers.IntegerField()
    module_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    description = serializers.CharField()
    time_limit_minutes = serializers.IntegerField()
    pass_percentage = serializers.IntegerField()
    max_attempts = serializers.IntegerField()
    question_count = serializers.IntegerField()
    total_points = serializers.IntegerField()
    attempts_used = serializers.IntegerField()
    attempts_left = serializers.IntegerField()
    best_percent = serializers.IntegerField(allow_null=True)
    passed = serializers.BooleanField()
    active_attempt_id = serializers.IntegerField(allow_null=True)


class StudentTestDetail(StudentTestSummary):
    attempts = StudentTestAttempt(many=True)


class TestListView(APIView):
    @extend_schema(operation_id="tests", responses=StudentTestSummary(many=True))
    def get(self, request: Request, course_id: int) -> Response:
        tests = student_tests(user=student_of(request), course_id=course_id)
        return Response(StudentTestSummary(tests, many=True).data)


class TestDetailView(APIView):
    @extend_schema(operation_id="test", responses=StudentTestDetail)
    def get(self, request: Request, course_id: int, test_id: int) -> Response:
        test = student_test(user=student_of(request), course_id=course_id, test_id=test_id)
        return Response(StudentTestDetail(test, context={"cutoff": submit_cutoff()}).data)


def _limit(request: Request) -> None:
    user_key = str(student_of(request).pk)
    rate_limit(request, group="test-attempt:user", key=user_key, rate=settings.TEST_ATTEMPT_RATE)


class TestStartView(APIView):
    @extend_schema(
        operation_id="test_start",
        request=None,
        responses={201: StudentTestAttempt, 409: ErrorSerializer},
    )
    def post(self, request: Request, course_id: int, test_id: int) -> Response:
        _limit(request)
        attempt = test_attempt_start(user=student_of(request), course_id=course_id, test_id=test_id)
        return Response(StudentTestAttempt(attempt).data, status=201)


class TestSubmitInput(StrictSerializer):
    __test__ = False  # not a pytest test class

    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="Question id -> answer: single_choice an option index, multiple_choice a "
        "list of option indexes, true_false a boolean, short_answer text.",
    )


class TestSubmitView(APIView):
    @extend_schema(
        operation_id="test_submit",
        request=TestSubmitInput,
        responses={200: StudentTestAttempt, 409: ErrorSerializer},
    )
    def post(self, request: Request, course_id: int, test_id: int) -> Response:
        _limit(request)
        data = TestSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = test_attempt_submit(
            user=student_of(request),
            course_id=course_id,
            test_id=test_id,
            answers=data.validated_data["answers"],
        )
        return Response(StudentTestAttempt(attempt).data)
