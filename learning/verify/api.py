"""Verification endpoints for machines: /api/verify/certificate/:id and
/api/verify/marksheet/:id. No sign-in, rate limited per client source."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import ErrorSerializer
from learning.errors import CertificateRevoked
from learning.marksheet.grades import CLASSIFICATION_CHOICES, GRADES
from learning.verify.limits import verify_rate_limit
from learning.verify.selectors import certificate_verification_get, marksheet_verification_get


class CertificateVerification(serializers.Serializer):
    certificate_id = serializers.CharField()
    student_name = serializers.CharField()
    course_title = serializers.CharField()
    issued_on = serializers.DateField()
    skills = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(choices=["valid"])


class MarksheetCourseVerification(serializers.Serializer):
    course_title = serializers.CharField()
    academic_credits = serializers.IntegerField()
    grade = serializers.ChoiceField(choices=GRADES)


class MarksheetVerification(serializers.Serializer):
    verification_id = serializers.CharField()
    student_name = serializers.CharField(allow_blank=True)
    as_of = serializers.DateTimeField()
    courses = MarksheetCourseVerification(many=True)
    total_credits = serializers.IntegerField()
    cgpa = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    classification = serializers.ChoiceField(choices=CLASSIFICATION_CHOICES, allow_null=True)


class PublicVerifyView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        verify_rate_limit(request)


class CertificateVerifyView(PublicVerifyView):
    @extend_schema(
        operation_id="verify_certificate",
        responses={
            200: CertificateVerification,
            410: OpenApiResponse(
                ErrorSerializer,
                description="Revoked (certificate_revoked); details name what was revoked.",
            ),
        },
    )
    def get(self, request: Request, certificate_id: str) -> Response:
        public = certificate_verification_get(certificate_id=certificate_id)
        if public["status"] == "revoked":
            raise CertificateRevoked(details=public)
        return Response(CertificateVerification(public).data)


class MarksheetVerifyView(PublicVerifyView):
    @extend_schema(operation_id="verify_marksheet", responses=MarksheetVerification)
    def get(self, request: Request, verification_id: str) -> Response:
        marksheet = marksheet_verification_get(verification_id=verification_id)
        return Response(MarksheetVerification(marksheet).data)
