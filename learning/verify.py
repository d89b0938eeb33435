"""Public verification of certificates and marksheets: JSON for machines, HTML pages for
people (a certificate's QR code opens its page). No sign-in, rate limited per client IP,
and only what a verifier needs: never an email address or an internal id."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import ApiError, RateLimited
from config.openapi import ErrorSerializer
from config.ratelimit import source_limit
from learning.certificates.selectors import certificate_public_get
from learning.errors import CertificateRevoked
from learning.marksheet.grades import CLASSIFICATION_CHOICES, CLASSIFICATION_LABELS, GRADES
from learning.marksheet.selectors import marksheet_public_get
from learning.models import Certificate


def _rate_limit(request: HttpRequest) -> None:
    source_limit(request, group="verify", rate=settings.VERIFY_RATE_PER_IP)


def certificate_public(certificate: Certificate) -> dict[str, Any]:
    return {
        "certificate_id": certificate.id,
        "student_name": certificate.student_name,
        "course_title": certificate.course_title,
        "issued_on": certificate.issued_at.date(),
        "skills": certificate.skills,
        "status": "revoked" if certificate.revoked_at else "valid",
        "revoked_on": certificate.revoked_at.date() if certificate.revoked_at else None,
    }


def marksheet_public(marksheet: dict[str, Any]) -> dict[str, Any]:
    return {
        "verification_id": marksheet["verification_id"],
        "student_name": marksheet["student_name"],
        "as_of": marksheet["generated_at"],
        "courses": [
            {
                "course_title": result.course_title,
                "academic_credits": result.academic_credits,
                "grade": result.grade,
            }
            for result in marksheet["courses"]
        ],
        "total_credits": marksheet["total_credits"],
        "cgpa": marksheet["cgpa"],
        "classification": marksheet["classification"],
    }


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
        _rate_limit(request)


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
        public = certificate_public(certificate_public_get(certificate_id=certificate_id))
        if public["status"] == "revoked":
            raise CertificateRevoked(details=public)
        return Response(CertificateVerification(public).data)


class MarksheetVerifyView(PublicVerifyView):
    @extend_schema(operation_id="verify_marksheet", responses=MarksheetVerification)
    def get(self, request: Request, verification_id: str) -> Response:
        marksheet = marksheet_public_get(verification_id=verification_id)
        return Response(MarksheetVerification(marksheet_public(marksheet)).data)


# --- Pages --------------------------------------------------------------------------------
def _page_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    response = render(
        request,
        "verify/unavailable.html",
        {"message": error.message, "rate_limited": isinstance(error, RateLimited)},
        status=error.status_code,
    )
    for header, value in error.headers.items():
        response[header] = value
    return response


@require_GET
def certificate_page(request: HttpRequest, certificate_id: str) -> HttpResponse:
    try:
        _rate_limit(request)
        certificate = certificate_public_get(certificate_id=certificate_id)
    except ApiError as error:
        return _page_error(request, error)
    public = certificate_public(certificate)
    status = 410 if public["status"] == "revoked" else 200
    return render(request, "verify/certificate.html", {"certificate": public}, status=status)


@require_GET
def marksheet_page(request: HttpRequest, verification_id: str) -> HttpResponse:
    try:
        _rate_limit(request)
        marksheet = marksheet_public_get(verification_id=verification_id)
    except ApiError as error:
        return _page_error(request, error)
    public = marksheet_public(marksheet)
    label = CLASSIFICATION_LABELS.get(public["classification"] or "", "")
    return render(
        request, "verify/marksheet.html", {"marksheet": public, "classification_label": label}
    )
