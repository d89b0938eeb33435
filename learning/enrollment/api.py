"""The enroll endpoint: /api/courses/:courseId/enroll."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import student_of
from config.openapi import ErrorSerializer
from learning.enrollment.services import enrollment_create


class EnrollmentOutput(serializers.Serializer):
    """What this request did: a repeat charges and waives nothing, and says so."""

    course_id = serializers.IntegerField()
    already_enrolled = serializers.BooleanField(
        help_text="True when the student was enrolled before this request (nothing happened now)."
    )
    credits_charged = serializers.IntegerField(help_text="Credits this request charged.")
    waived_by = serializers.CharField(
        help_text='Why this request charged nothing for a new enrollment: "free" (a free '
        'course) or a plan feature; "" when it charged, or when the student was already enrolled.'
    )
    enrolled_at = serializers.DateTimeField(help_text="When the student enrolled (the first time).")


class EnrollView(APIView):
    @extend_schema(
        operation_id="course_enroll",
        request=None,
        responses={
            200: EnrollmentOutput,
            201: EnrollmentOutput,
            402: ErrorSerializer,
            409: ErrorSerializer,
        },
        description="Enrolls the student. 201 when enrolled now; 200 with `already_enrolled: "
        "true` and `credits_charged: 0` when already enrolled (never charged again). A paid "
        "course charges its credit cost from Guru once.",
    )
    def post(self, request: Request, course_id: int) -> Response:
        enrollment, created = enrollment_create(user=student_of(request), course_id=course_id)
        data: dict[str, Any] = EnrollmentOutput(
            {
                "course_id": enrollment.course_id,
                "already_enrolled": not created,
                "credits_charged": enrollment.credits_charged if created else 0,
                "waived_by": enrollment.waived_by if created else "",
                "enrolled_at": enrollment.created_at,
            }
        ).data
        return Response(data, status=201 if created else 200)
