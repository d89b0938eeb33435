"""Admin API for courses (with pricing and publish state), modules and lessons."""

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config.pagination import PagePagination
from config.serializers import StrictSerializer
from guru.admin_base import AdminAPIView
from guru.api.common import (
    CONFLICT,
    AdminModelSerializer,
    paginated_response,
    parse_body,
    parse_query,
)
from guru.models import Course, Lesson, Module
from guru.selectors import (
    CourseState,
    course_get,
    course_list,
    lesson_get,
    lesson_list,
    module_get,
    module_list,
)
from guru.services.audit import AuditActor
from guru.services.content import (
    course_create,
    course_delete,
    course_pricing_set,
    course_publish,
    course_unpublish,
    course_update,
    lesson_create,
    lesson_delete,
    lesson_update,
    module_create,
    module_delete,
    module_update,
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


class CourseCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=CourseState.choices, required=False)

    @extend_schema_serializer(component_name="CourseCreate")
    class InputSerializer(CourseFieldsSerializer):
        pass

    @extend_schema(
        operation_id="admin_course_list",
        parameters=[FilterSerializer],
        responses=CourseOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = parse_query(self.FilterSerializer, request)
        return paginated_response(
            view=self,
            request=request,
            queryset=course_list(**filters),
            serializer_class=CourseOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_course_create",
        request=InputSerializer,
        responses={201: CourseOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        course = course_create(actor=AuditActor.from_request(request), fields=fields)
        return Response(CourseOutputSerializer(course).data, status=201)


class CourseItemApi(AdminAPIView):
    @extend_schema_serializer(component_name="CourseUpdate")
    class InputSerializer(CourseFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_course_get", responses=CourseOutputSerializer)
    def get(self, request: Request, course_id: int) -> Response:
        return Response(CourseOutputSerializer(course_get(course_id=course_id)).data)

    @extend_schema(
        operation_id="admin_course_update",
        request=InputSerializer,
        responses={200: CourseOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request, course_id: int) -> Response:
        course = course_get(course_id=course_id)
        fields = parse_body(self.InputSerializer, request, instance=course)
        course = course_update(actor=AuditActor.from_request(request), course=course, fields=fields)
        return Response(CourseOutputSerializer(course).data)

    @extend_schema(
        operation_id="admin_course_delete",
        description=(
            "Deletes a draft course with its content. A course that is or was published is "
            "archived instead: it leaves the catalogue and what students earned stays verifiable."
        ),
        responses={204: None, **CONFLICT},
    )
    def delete(self, request: Request, course_id: int) -> Response:
        course = course_get(course_id=course_id)
        course_delete(actor=AuditActor.from_request(request), course=course)
        return Response(status=204)


class CoursePublishApi(AdminAPIView):
    @extend_schema(
        operation_id="admin_course_publish",
        request=None,
        responses={200: CourseOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request, course_id: int) -> Response:
        course = course_get(course_id=course_id)
        course = course_publish(actor=AuditActor.from_request(request), course=course)
        return Response(CourseOutputSerializer(course).data)


class CourseUnpublishApi(AdminAPIView):
    @extend_schema(
        operation_id="admin_course_unpublish",
        request=None,
        responses={200: CourseOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request, course_id: int) -> Response:
        course = course_get(course_id=course_id)
        course = course_unpublish(actor=AuditActor.from_request(request), course=course)
        return Response(CourseOutputSerializer(course).data)


class CoursePricingApi(AdminAPIView):
    @extend_schema_serializer(component_name="CoursePricing")
    class InputSerializer(StrictSerializer):
        course_id = serializers.IntegerField(min_value=1)
        credit_cost = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
        is_free = serializers.BooleanField()

    @extend_schema(
        operation_id="admin_course_pricing_set",
        description="Sets a course's credit cost and free flag. An unknown course_id is a 404.",
        request=InputSerializer,
        responses={200: CourseOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        data = parse_body(self.InputSerializer, request)
        course = course_pricing_set(
            actor=AuditActor.from_request(request),
            course=course_get(course_id=data["course_id"]),
            credit_cost=data["credit_cost"],
            is_free=data["is_free"],
        )
        return Response(CourseOutputSerializer(course).data)


class ModuleOutputSerializer(serializers.ModelSerializer):
    course_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Module
        fields = ["id", "course_id", "title", "description", "order", "created_at", "updated_at"]


class ModuleFieldsSerializer(AdminModelSerializer):
    class Meta(AdminModelSerializer.Meta):
        model = Module
        fields = ["title", "description", "order"]


class ModuleCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    class FilterSerializer(serializers.Serializer):
        course_id = serializers.IntegerField(min_value=1, required=False)

    @extend_schema_serializer(component_name="ModuleCreate")
    class InputSerializer(ModuleFieldsSerializer):
        course_id = serializers.PrimaryKeyRelatedField(
            source="course", queryset=Course.objects.all()
        )

        class Meta(ModuleFieldsSerializer.Meta):
            fields = ["course_id", *ModuleFieldsSerializer.Meta.fields]

    @extend_schema(
        operation_id="admin_module_list",
        parameters=[FilterSerializer],
        responses=ModuleOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = parse_query(self.FilterSerializer, request)
        return paginated_response(
            view=self,
            request=request,
            queryset=module_list(**filters),
            serializer_class=ModuleOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_module_create",
        request=InputSerializer,
        responses={201: ModuleOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        module = module_create(actor=AuditActor.from_request(request), fields=fields)
        return Response(ModuleOutputSerializer(module).data, status=201)


class ModuleItemApi(AdminAPIView):
    @extend_schema_serializer(component_name="ModuleUpdate")
    class InputSerializer(ModuleFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_module_get", responses=ModuleOutputSerializer)
    def get(self, request: Request, module_id: int) -> Response:
        return Response(ModuleOutputSerializer(module_get(module_id=module_id)).data)

    @extend_schema(
        operation_id="admin_module_update",
        request=InputSerializer,
        responses={200: ModuleOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request, module_id: int) -> Response:
        module = module_get(module_id=module_id)
        fields = parse_body(self.InputSerializer, request, instance=module)
        module = module_update(actor=AuditActor.from_request(request), module=module, fields=fields)
        return Response(ModuleOutputSerializer(module).data)

    @extend_schema(operation_id="admin_module_delete", responses={204: None, **CONFLICT})
    def delete(self, request: Request, module_id: int) -> Response:
        module = module_get(module_id=module_id)
        module_delete(actor=AuditActor.from_request(request), module=module)
        return Response(status=204)


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


class LessonCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    class FilterSerializer(serializers.Serializer):
        module_id = serializers.IntegerField(min_value=1, required=False)

    @extend_schema_serializer(component_name="LessonCreate")
    class InputSerializer(LessonFieldsSerializer):
        module_id = serializers.PrimaryKeyRelatedField(
            source="module", queryset=Module.objects.all()
        )

        class Meta(LessonFieldsSerializer.Meta):
            fields = ["module_id", *LessonFieldsSerializer.Meta.fields]

    @extend_schema(
        operation_id="admin_lesson_list",
        parameters=[FilterSerializer],
        responses=LessonOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = parse_query(self.FilterSerializer, request)
        return paginated_response(
            view=self,
            request=request,
            queryset=lesson_list(**filters),
            serializer_class=LessonOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_lesson_create",
        request=InputSerializer,
        responses={201: LessonOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        lesson = lesson_create(actor=AuditActor.from_request(request), fields=fields)
        return Response(LessonOutputSerializer(lesson).data, status=201)


class LessonItemApi(AdminAPIView):
    @extend_schema_serializer(component_name="LessonUpdate")
    class InputSerializer(LessonFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_lesson_get", responses=LessonOutputSerializer)
    def get(self, request: Request, lesson_id: int) -> Response:
        return Response(LessonOutputSerializer(lesson_get(lesson_id=lesson_id)).data)

    @extend_schema(
        operation_id="admin_lesson_update",
        request=InputSerializer,
        responses={200: LessonOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request, lesson_id: int) -> Response:
        lesson = lesson_get(lesson_id=lesson_id)
        fields = parse_body(self.InputSerializer, request, instance=lesson)
        lesson = lesson_update(actor=AuditActor.from_request(request), lesson=lesson, fields=fields)
        return Response(LessonOutputSerializer(lesson).data)

    @extend_schema(operation_id="admin_lesson_delete", responses={204: None, **CONFLICT})
    def delete(self, request: Request, lesson_id: int) -> Response:
        lesson = lesson_get(lesson_id=lesson_id)
        lesson_delete(actor=AuditActor.from_request(request), lesson=lesson)
        return Response(status=204)
