"""Guru's public API (server to server, read-only): GET only, X-API-Key, ETags."""

import hashlib
from typing import Any

from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils.http import parse_etags, quote_etag
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.ratelimit import rate_limit
from guru.public import selectors
from guru.public.authentication import ApiKeyAuthentication, HasCatalogScope, has_grading_scope
from guru.public.serializers import (
    PublicCertificateRule,
    PublicContentVersion,
    PublicCourseDetail,
    PublicCourseSummary,
    PublicLab,
    PublicPlatformSettings,
    PublicPricing,
    PublicProject,
    PublicTest,
    PublicVoucher,
)
from guru.selectors.commerce import platform_settings_get

NOT_MODIFIED = {304: OpenApiResponse(description="Not modified: the ETag still matches.")}


class PublicAPIView(APIView):
    """Every public endpoint: key, scope and rate checked; the body's hash is its ETag, and
    a request that already holds it gets 304 with no body."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasCatalogScope]
    http_method_names = ["get", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        rate_limit(
            request,
            group="guru-public:key",
            key=str(request.auth.pk),
            rate=settings.GURU_PUBLIC_API_RATE,
        )

    def serializer_context(self) -> dict[str, Any]:
        return {"grading": has_grading_scope(self.request)}

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        # The same path answers differently for grading keys.
        response["Vary"] = "X-API-Key"
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            not_modified["Vary"] = "X-API-Key"
            return not_modified
        response["ETag"] = etag
        return response


class CourseListView(PublicAPIView):
    @extend_schema(
        operation_id="public_courses",
        responses={200: PublicCourseSummary(many=True), **NOT_MODIFIED},
    )
    def get(self, request: Request) -> Response:
        courses = selectors.public_course_list()
        return Response(PublicCourseSummary(courses, many=True).data)


class CourseDetailView(PublicAPIView):
    @extend_schema(
        operation_id="public_course", responses={200: PublicCourseDetail, **NOT_MODIFIED}
    )
    def get(self, request: Request, course_id: int) -> Response:
        course = selectors.public_course_get(course_id=course_id)
        return Response(PublicCourseDetail(course).data)


class CourseTestsView(PublicAPIView):
    @extend_schema(
        operation_id="public_course_tests",
        responses={200: PublicTest(many=True), **NOT_MODIFIED},
    )
    def get(self, request: Request, course_id: int) -> Response:
        tests = selectors.public_test_list(course_id=course_id)
        return Response(PublicTest(tests, many=True, context=self.serializer_context()).data)


class CourseLabsView(PublicAPIView):
    @extend_schema(
        operation_id="public_course_labs", responses={200: PublicLab(many=True), **NOT_MODIFIED}
    )
    def get(self, request: Request, course_id: int) -> Response:
        labs = selectors.public_lab_list(course_id=course_id)
        return Response(PublicLab(labs, many=True, context=self.serializer_context()).data)


class CourseProjectsView(PublicAPIView):
    @extend_schema(
        operation_id="public_course_projects",
        responses={200: PublicProject(many=True), **NOT_MODIFIED},
    )
    def get(self, request: Request, course_id: int) -> Response:
        projects = selectors.public_project_list(course_id=course_id)
        return Response(PublicProject(projects, many=True, context=self.serializer_context()).data)


class CertificateRulesView(PublicAPIView):
    @extend_schema(
        operation_id="public_certificate_rules",
        responses={200: PublicCertificateRule, **NOT_MODIFIED},
    )
    def get(self, request: Request, course_id: int) -> Response:
        rule = selectors.public_certificate_rule_get(course_id=course_id)
        return Response(PublicCertificateRule(rule).data)


class PricingView(PublicAPIView):
    @extend_schema(operation_id="public_pricing", responses={200: PublicPricing, **NOT_MODIFIED})
    def get(self, request: Request) -> Response:
        return Response(PublicPricing(selectors.public_pricing()).data)


class VoucherView(PublicAPIView):
    @extend_schema(operation_id="public_voucher", responses={200: PublicVoucher, **NOT_MODIFIED})
    def get(self, request: Request, code: str) -> Response:
        return Response(PublicVoucher(selectors.public_voucher_get(code=code)).data)


class PlatformSettingsView(PublicAPIView):
    @extend_schema(
        operation_id="public_settings", responses={200: PublicPlatformSettings, **NOT_MODIFIED}
    )
    def get(self, request: Request) -> Response:
        return Response(PublicPlatformSettings(platform_settings_get()).data)


class ContentVersionView(PublicAPIView):
    """Tiny and cheap: the student side polls it about once a second per deployment."""

    @extend_schema(
        operation_id="public_version", responses={200: PublicContentVersion, **NOT_MODIFIED}
    )
    def get(self, request: Request) -> Response:
        return Response(PublicContentVersion({"version": selectors.public_content_version()}).data)
