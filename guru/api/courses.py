"""Admin API for courses (with pricing and publish state), modules and lessons."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.serializers import StrictSerializer
from guru.api.common import CONFLICT, AdminModelSerializer, parse_body
from guru.api.viewsets import AdminCrudViewSet, Parent, parent_filter, path_id
from guru.models import Course, Lesson, Module
from guru.selectors.content import (
    CourseState,
    course_get,
    course_list,
    lesson_get,
    lesson_list,
    module_get,
    module_list,
)
from guru.services.content import (
    course_delete,
    course_pricing_set,
    course_publish,
    course_unpublish,
    course_update,
)


class CourseOutputSerializer(serializers.ModelSerializer):
    skills = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "description",
            "level",
            "skills",
            "thumbnail_url",
            "credit_cost",
            "is_free",
            "academic_credits",
            "is_published",
            "first_published_at",
            "is_archived",
            "archived_at",
            "created_at",
            "updated_at",
        ]


class CourseFieldsSerializer(AdminModelSerializer):
    skills = serializers.ListField(child=serializers.CharField(max_length=500), required=False)

    class Meta(AdminModelSerializer.Meta):
        model = Course
        fields = [
            "title",
            "description",
            "level",
            "skills",
            "thumbnail_url",
            "credit_cost",
            "is_free",
            "academic_credits",
        ]


@extend_schema_serializer(component_name="CoursePricing")
class CoursePricingSerializer(StrictSerializer):
    course_id = serializers.IntegerField(min_value=1)
    credit_cost = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    is_free = serializers.BooleanField()


class CourseViewSet(AdminCrudViewSet[Course]):
    entity = "course"
    model = Course
    lookup_url_kwarg = "course_id"
    output_serializer = CourseOutputSerializer
    fields_serializer = CourseFieldsSerializer
    list_selector = course_list
    get_selector = course_get
    descriptions = {
        "destroy": (
            "Deletes a draft course with its content. A course that is or was published is "
            "archived instead: it leaves the catalogue and what students earned stays verifiable."
        )
    }

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=CourseState.choices, required=False)

    filter_serializer = FilterSerializer

    def perform_update(self, instance: Course, fields: dict[str, Any]) -> Course:
        return course_update(actor=self.actor(), course=instance, fields=fields)

    def perform_destroy(self, instance: Course) -> None:
        course_delete(actor=self.actor(), course=instance)

    @extend_schema(
        operation_id="admin_course_pricing_set",
        description="Sets a course's credit cost and free flag. An unknown course_id is a 404.",
        request=CoursePricingSerializer,
        responses={200: CourseOutputSerializer, **CONFLICT},
    )
    @action(detail=False, methods=["post"])
    def pricing(self, request: Request) -> Response:
        data = parse_body(CoursePricingSerializer, request)
        course = course_pricing_set(
            actor=self.actor(),
            course=course_get(course_id=data["course_id"]),
            credit_cost=data["credit_cost"],
            is_free=data["is_free"],
        )
        return Response(self.output(course))

    @extend_schema(
        operation_id="admin_course_publish",
        parameters=path_id("course_id"),
        request=None,
        responses={200: CourseOutputSerializer, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, course_id: int) -> Response:
        return Response(self.output(course_publish(actor=self.actor(), course=self.get_object())))

    @extend_schema(
        operation_id="admin_course_unpublish",
        parameters=path_id("course_id"),
        request=None,
        responses={200: CourseOutputSerializer, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, course_id: int) -> Response:
        course = course_unpublish(actor=self.actor(), course=self.get_object())
        return Response(self.output(course))


class ModuleOutputSerializer(serializers.ModelSerializer):
    course_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Module
        fields = ["id", "course_id", "title", "description", "order", "created_at", "updated_at"]


class ModuleFieldsSerializer(AdminModelSerializer):
    class Meta(AdminModelSerializer.Meta):
        model = Module
        fields = ["title", "description", "order"]


class LessonOutputSerializer(serializers.ModelSerializer):
    module_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Lesson
        fields = [
            "id",
            "module_id",
            "title",
            "content",
            "order",
            "tutor_context",
            "created_at",
            "updated_at",
        ]


class LessonFieldsSerializer(AdminModelSerializer):
    class Meta(AdminModelSerializer.Meta):
        model = Lesson
        fields = ["title", "content", "order", "tutor_context"]


class ModuleViewSet(AdminCrudViewSet[Module]):
    entity = "module"
    model = Module
    lookup_url_kwarg = "module_id"
    output_serializer = ModuleOutputSerializer
    fields_serializer = ModuleFieldsSerializer
    parent = Parent("course", Course)
    filter_serializer = parent_filter("course_id")
    list_selector = module_list
    get_selector = module_get


class LessonViewSet(AdminCrudViewSet[Lesson]):
    entity = "lesson"
    model = Lesson
    lookup_url_kwarg = "lesson_id"
    output_serializer = LessonOutputSerializer
    fields_serializer = LessonFieldsSerializer
    parent = Parent("module", Module)
    filter_serializer = parent_filter("module_id")
    list_selector = lesson_list
    get_selector = lesson_get
