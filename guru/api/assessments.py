"""Admin API for what students are assessed on: labs, tests and their questions, projects,
and the certificate rules built from them."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config.serializers import StrictSerializer
from guru.api.common import CONFLICT, AdminModelSerializer, parse_body
from guru.api.viewsets import (
    AdminCrudViewSet,
    AdminEntityViewSet,
    DestroyMixin,
    ListMixin,
    Parent,
    RetrieveMixin,
    parent_filter,
)
from guru.models import CertificateRule, Course, Lab, Module, Project, Question, Test
from guru.selectors.content import (
    certificate_rule_get,
    certificate_rule_list,
    course_get,
    lab_get,
    lab_list,
    project_get,
    project_list,
    question_get,
    question_list,
    test_get,
    test_list,
)
from guru.services.content import certificate_rule_set, test_create

CourseFilterSerializer = parent_filter("course_id")


def _string_list() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(max_length=500), required=False)


class LabOutputSerializer(serializers.ModelSerializer):
    course_id = serializers.IntegerField(read_only=True)
    module_id = serializers.IntegerField(read_only=True, allow_null=True)
    hints = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Lab
        fields = [
            "id",
            "course_id",
            "module_id",
            "title",
            "order",
            "language",
            "instructions",
            "starter_code",
            "solution_code",
            "validation_type",
            "requires_execution",
            "expected_output",
            "expected_pattern",
            "hints",
            "ai_context",
            "unlock_rule",
            "unlock_reference_id",
            "certificate_weight",
            "created_at",
            "updated_at",
        ]


class LabFieldsSerializer(AdminModelSerializer):
    module_id = serializers.PrimaryKeyRelatedField(
        source="module", queryset=Module.objects.all(), allow_null=True, required=False
    )
    hints = _string_list()

    class Meta(AdminModelSerializer.Meta):
        model = Lab
        fields = [
            "module_id",
            "title",
            "order",
            "language",
            "instructions",
            "starter_code",
            "solution_code",
            "validation_type",
            "expected_output",
            "expected_pattern",
            "hints",
            "ai_context",
            "unlock_rule",
            "unlock_reference_id",
            "certificate_weight",
        ]


class QuestionOutputSerializer(serializers.ModelSerializer):
    test_id = serializers.IntegerField(read_only=True)
    options = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Question
        fields = [
            "id",
            "test_id",
            "order",
            "type",
            "prompt",
            "options",
            "correct_answer",
            "explanation",
            "points",
            "created_at",
            "updated_at",
        ]


class QuestionFieldsSerializer(AdminModelSerializer):
    options = _string_list()

    class Meta(AdminModelSerializer.Meta):
        model = Question
        fields = ["order", "type", "prompt", "options", "correct_answer", "explanation", "points"]


class TestOutputSerializer(serializers.ModelSerializer):
    course_id = serializers.IntegerField(read_only=True)
    module_id = serializers.IntegerField(read_only=True, allow_null=True)
    questions = QuestionOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Test
        fields = [
            "id",
            "course_id",
            "module_id",
            "title",
            "description",
            "time_limit_minutes",
            "pass_percentage",
            "max_attempts",
            "questions",
            "created_at",
            "updated_at",
        ]


class TestSummaryOutputSerializer(serializers.ModelSerializer):
    course_id = serializers.IntegerField(read_only=True)
    module_id = serializers.IntegerField(read_only=True, allow_null=True)
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Test
        fields = [
            "id",
            "course_id",
            "module_id",
            "title",
            "time_limit_minutes",
            "pass_percentage",
            "max_attempts",
            "question_count",
            "updated_at",
        ]


class TestFieldsSerializer(AdminModelSerializer):
    module_id = serializers.PrimaryKeyRelatedField(
        source="module", queryset=Module.objects.all(), allow_null=True, required=False
    )

    class Meta(AdminModelSerializer.Meta):
        model = Test
        fields = [
            "module_id",
            "title",
            "description",
            "time_limit_minutes",
            "pass_percentage",
            "max_attempts",
        ]


class ProjectOutputSerializer(serializers.ModelSerializer):
    course_id = serializers.IntegerField(read_only=True)
    objectives = serializers.ListField(child=serializers.CharField())
    deliverables = serializers.ListField(child=serializers.CharField())
    skills = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Project
        fields = [
            "id",
            "course_id",
            "title",
            "description",
            "objectives",
            "deliverables",
            "evaluation_notes",
            "skills",
            "created_at",
            "updated_at",
        ]


class ProjectFieldsSerializer(AdminModelSerializer):
    objectives = _string_list()
    deliverables = _string_list()
    skills = _string_list()

    class Meta(AdminModelSerializer.Meta):
        model = Project
        fields = [
            "title",
            "description",
            "objectives",
            "deliverables",
            "evaluation_notes",
            "skills",
        ]


class CertificateRuleOutputSerializer(serializers.ModelSerializer):
    course_id = serializers.IntegerField(read_only=True)
    required_test_ids: serializers.Field = serializers.PrimaryKeyRelatedField(
        source="required_tests", many=True, read_only=True
    )
    required_lab_ids: serializers.Field = serializers.PrimaryKeyRelatedField(
        source="required_labs", many=True, read_only=True
    )
    required_project_ids: serializers.Field = serializers.PrimaryKeyRelatedField(
        source="required_projects", many=True, read_only=True
    )

    class Meta:
        model = CertificateRule
        fields = [
            "id",
            "course_id",
            "required_test_ids",
            "test_pass_percentage",
            "required_lab_ids",
            "min_lab_weight",
            "required_project_ids",
            "created_at",
            "updated_at",
        ]


class LabViewSet(AdminCrudViewSet[Lab]):
    entity = "lab"
    model = Lab
    lookup_url_kwarg = "lab_id"
    output_serializer = LabOutputSerializer
    fields_serializer = LabFieldsSerializer
    parent = Parent("course", Course)
    filter_serializer = CourseFilterSerializer
    list_selector = lab_list
    get_selector = lab_get


@extend_schema_serializer(component_name="TestCreate")
class TestCreateSerializer(TestFieldsSerializer):
    course_id = serializers.PrimaryKeyRelatedField(source="course", queryset=Course.objects.all())
    questions = QuestionFieldsSerializer(many=True, required=False)

    class Meta(TestFieldsSerializer.Meta):
        fields = ["course_id", *TestFieldsSerializer.Meta.fields, "questions"]


class TestViewSet(AdminCrudViewSet[Test]):
    entity = "test"
    model = Test
    lookup_url_kwarg = "test_id"
    output_serializer = TestOutputSerializer
    list_output_serializer = TestSummaryOutputSerializer
    fields_serializer = TestFieldsSerializer
    create_serializer = TestCreateSerializer
    filter_serializer = CourseFilterSerializer
    list_selector = test_list
    get_selector = test_get
    descriptions = {
        "create": "Creates a test with its questions; if any is invalid, nothing is written.",
        "update": "Updates the test's own fields; questions have their own endpoints.",
    }

    # Answers carry the questions: the test is read again with them.
    def perform_create(self, fields: dict[str, Any]) -> Test:
        questions = fields.pop("questions", [])
        test = test_create(actor=self.actor(), fields=fields, questions=questions)
        return test_get(test_id=test.pk)

    def perform_update(self, instance: Test, fields: dict[str, Any]) -> Test:
        return test_get(test_id=super().perform_update(instance, fields).pk)


class QuestionViewSet(AdminCrudViewSet[Question]):
    entity = "question"
    model = Question
    lookup_url_kwarg = "question_id"
    output_serializer = QuestionOutputSerializer
    fields_serializer = QuestionFieldsSerializer
    parent = Parent("test", Test)
    filter_serializer = parent_filter("test_id")
    list_selector = question_list
    get_selector = question_get


class ProjectViewSet(AdminCrudViewSet[Project]):
    entity = "project"
    model = Project
    lookup_url_kwarg = "project_id"
    output_serializer = ProjectOutputSerializer
    fields_serializer = ProjectFieldsSerializer
    parent = Parent("course", Course)
    filter_serializer = CourseFilterSerializer
    list_selector = project_list
    get_selector = project_get


@extend_schema_serializer(component_name="CertificateRuleSet")
class CertificateRuleSetSerializer(StrictSerializer):
    course_id = serializers.IntegerField(min_value=1)
    required_test_ids: serializers.Field = serializers.PrimaryKeyRelatedField(
        queryset=Test.objects.all(), many=True, required=False
    )
    test_pass_percentage = serializers.IntegerField(
        min_value=0, max_value=100, allow_null=True, required=False
    )
    required_lab_ids: serializers.Field = serializers.PrimaryKeyRelatedField(
        queryset=Lab.objects.all(), many=True, required=False
    )
    min_lab_weight = serializers.IntegerField(min_value=0, max_value=100_000, default=0)
    required_project_ids: serializers.Field = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(), many=True, required=False
    )


class CertificateRuleViewSet(
    ListMixin, RetrieveMixin, DestroyMixin[CertificateRule], AdminEntityViewSet[CertificateRule]
):
    entity = "certificate_rule"
    model = CertificateRule
    lookup_url_kwarg = "rule_id"
    output_serializer = CertificateRuleOutputSerializer
    filter_serializer = CourseFilterSerializer
    list_selector = certificate_rule_list
    get_selector = certificate_rule_get

    # One rule per course: posting a course's rule creates or replaces it.
    @extend_schema(
        operation_id="admin_certificate_rule_set",
        description=(
            "Sets a course's certificate rule: 201 when the course had none, 200 when its "
            "rule is replaced. An unknown course_id is a 404."
        ),
        request=CertificateRuleSetSerializer,
        responses={
            200: CertificateRuleOutputSerializer,
            201: CertificateRuleOutputSerializer,
            **CONFLICT,
        },
    )
    def create(self, request: Request) -> Response:
        data = parse_body(CertificateRuleSetSerializer, request)
        rule, created = certificate_rule_set(
            actor=self.actor(),
            course=course_get(course_id=data["course_id"]),
            test_pass_percentage=data.get("test_pass_percentage"),
            min_lab_weight=data["min_lab_weight"],
            required_tests=data.get("required_test_ids", []),
            required_labs=data.get("required_lab_ids", []),
            required_projects=data.get("required_project_ids", []),
        )
        output = self.output(certificate_rule_get(rule_id=rule.pk))
        return Response(output, status=201 if created else 200)
