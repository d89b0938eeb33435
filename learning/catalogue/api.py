"""Catalogue endpoints: /api/courses and /api/courses/:courseId, open to anyone."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.process_caches import register
from learning.catalogue.selectors import catalogue_course, catalogue_entries
from shishya import guru_reads

# Rendered anonymous catalogues by Guru's ETag: the common request is answered with bytes,
# without re-serialising (a handful of entries: one per catalogue version seen lately).
_rendered_catalogues: dict[str, bytes] = register({})
_RENDERED_KEEP = 4


class ProgressSummary(serializers.Serializer):
    completed_lessons = serializers.IntegerField()
    total_lessons = serializers.IntegerField()
    percent = serializers.IntegerField()


class CourseFields(serializers.Serializer):
    """What students see of a course in every catalogue answer."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    level = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    thumbnail_url = serializers.CharField()
    credit_cost = serializers.IntegerField()
    is_free = serializers.BooleanField()
    academic_credits = serializers.IntegerField()
    enrolled = serializers.BooleanField()
    progress = ProgressSummary(allow_null=True)


class CourseSummary(CourseFields):
    module_count = serializers.IntegerField()
    lesson_count = serializers.IntegerField()
    lab_count = serializers.IntegerField()
    test_count = serializers.IntegerField()
    project_count = serializers.IntegerField()


class LessonOutline(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    order = serializers.IntegerField()


class ModuleOutline(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    order = serializers.IntegerField()
    lessons = LessonOutline(many=True)


class CourseDetail(CourseFields):
    modules = ModuleOutline(many=True)


class CourseListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="courses", responses=CourseSummary(many=True))
    def get(self, request: Request) -> Response | HttpResponse:
        if request.user.is_authenticated:
            courses = catalogue_entries(user=request.user)
            return Response(CourseSummary(courses, many=True).data)
        etag = guru_reads.catalogue_etag()
        body = _rendered_catalogues.get(etag) if etag else None
        if body is None:
            courses = catalogue_entries(user=request.user)
            body = JSONRenderer().render(CourseSummary(courses, many=True).data)
            etag = guru_reads.catalogue_etag()
            if etag:
                if len(_rendered_catalogues) >= _RENDERED_KEEP:
                    _rendered_catalogues.clear()
                _rendered_catalogues[etag] = body
        return HttpResponse(body, content_type="application/json")


class CourseDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="course", responses=CourseDetail)
    def get(self, request: Request, course_id: int) -> Response:
        shown = catalogue_course(user=request.user, course_id=course_id)
        return Response(CourseDetail(shown).data)
