"""The student's certificates: generate (charged once), list, read and download as PDF."""

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import student_of
from config.openapi import ErrorSerializer
from config.serializers import StrictSerializer
from learning.certificates.document import certificate_page_url, certificate_pdf
from learning.certificates.selectors import certificate_of_student_get, certificates_of
from learning.certificates.services import certificate_issue
from learning.errors import CertificateRevoked
from learning.models import Certificate


class CertificateOutput(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    requirements = serializers.JSONField(
        source="rules_snapshot", help_text="Guru's certificate rules it was issued on."
    )
    scores = serializers.JSONField(help_text="The scores the rules were met with.")
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "course_id",
            "course_title",
            "student_name",
            "skills",
            "issued_at",
            "status",
            "revoked_at",
            "revoked_reason",
            "credits_charged",
            "requirements",
            "scores",
            "verification_url",
        ]

    def get_status(self, certificate: Certificate) -> str:
        return "revoked" if certificate.revoked_at else "valid"

    def get_verification_url(self, certificate: Certificate) -> str:
        return certificate_page_url(certificate.id)


class GenerateInput(StrictSerializer):
    course_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


ERROR = OpenApiResponse(ErrorSerializer)


class CertificateGenerateView(APIView):
    student_rate = "STUDENT_CERTIFICATE_RATE"

    @extend_schema(
        operation_id="certificate_generate",
        request=GenerateInput,
        responses={
            201: OpenApiResponse(CertificateOutput, description="Issued now (and charged)."),
            200: OpenApiResponse(CertificateOutput, description="Issued before: not charged."),
            402: ERROR,
            409: ERROR,
        },
    )
    def post(self, request: Request) -> Response:
        data = GenerateInput(data=request.data)
        data.is_valid(raise_exception=True)
        certificate, issued_now = certificate_issue(
            user=student_of(request), course_id=data.validated_data["course_id"]
        )
        return Response(CertificateOutput(certificate).data, status=201 if issued_now else 200)


class CertificateListView(ListAPIView):
    serializer_class = CertificateOutput

    @extend_schema(operation_id="certificates")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Certificate]:
        return certificates_of(user=student_of(self.request))


class CertificateDetailView(APIView):
    @extend_schema(operation_id="certificate", responses=CertificateOutput)
    def get(self, request: Request, certificate_id: str) -> Response:
        certificate = certificate_of_student_get(
            user=student_of(request), certificate_id=certificate_id
        )
        return Response(CertificateOutput(certificate).data)


class CertificatePdfView(APIView):
    student_rate = "STUDENT_CERTIFICATE_RATE"

    @extend_schema(
        operation_id="certificate_pdf",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            # certificate_text_unprintable: issued before the fonts' coverage was checked.
            400: ERROR,
            410: ERROR,
        },
    )
    def get(self, request: Request, certificate_id: str) -> HttpResponse:
        certificate = certificate_of_student_get(
            user=student_of(request), certificate_id=certificate_id
        )
        if certificate.revoked_at is not None:
            raise CertificateRevoked()
        response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{certificate.id}.pdf"'
        return response
