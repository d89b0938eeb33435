"""Admin API for what students are assessed on: labs, tests and their questions, projects,
and the certificate rules built from them."""

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
from guru.models import CertificateRule, Course, Lab, Module, Project, Question, Test
from guru.selectors import (
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
from guru.services.audit import AuditActor
from guru.services.content import (
    certificate_rule_delete,
    certificate_rule_set,
    lab_create,
    lab_delete,
    lab_update,
    project_create,
    project_delete,
    project_update,
    question_create,
    question_delete,
    question_update,
    test_create,
    test_delete,
    test_update,
)


class CourseFilterSerializer(serializers.Serializer):
    course_id = serializers.IntegerField(min_value=1, required=False)


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


class LabCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    @extend_schema_serializer(component_name="LabCreate")
    class InputSerializer(LabFieldsSerializer):
        course_id = serializers.PrimaryKeyRelatedField(
            source="course", queryset=Course.objects.all()
        )

        class Meta(LabFieldsSerializer.Meta):
            fields = ["course_id", *LabFieldsSerializer.Meta.fields]

    @extend_schema(
        operation_id="admin_lab_list",
        parameters=[CourseFilterSerializer],
        responses=LabOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = parse_query(CourseFilterSerializer, request)
        return paginated_response(
            view=self,
            request=request,
            queryset=lab_list(**filters),
            serializer_class=LabOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_lab_create",
        request=InputSerializer,
        responses={201: LabOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        lab = lab_create(actor=AuditActor.from_request(request), fields=fields)
        return Response(LabOutputSerializer(lab).data, status=201)


class LabItemApi(AdminAPIView):
    @extend_schema_serializer(component_name="LabUpdate")
    class InputSerializer(LabFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_lab_get", responses=LabOutputSerializer)
    def get(self, request: Request, lab_id: int) -> Response:
        return Response(LabOutputSerializer(lab_get(lab_id=lab_id)).data)

    @extend_schema(
        operation_id="admin_lab_update",
        request=InputSerializer,
        responses={200: LabOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request, lab_id: int) -> Response:
        lab = lab_get(lab_id=lab_id)
        fields = parse_body(self.InputSerializer, request, instance=lab)
        lab = lab_update(actor=AuditActor.from_request(request), lab=lab, fields=fields)
        return Response(LabOutputSerializer(lab).data)

    @extend_schema(operation_id="admin_lab_delete", responses={204: None, **CONFLICT})
    def delete(self, request: Request, lab_id: int) -> Response:
        lab = lab_get(lab_id=lab_id)
        lab_delete(actor=AuditActor.from_request(request), lab=lab)
        return Response(status=204)


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


class TestCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    @extend_schema_serializer(component_name="TestCreate")
    class InputSerializer(TestFieldsSerializer):
        course_id = serializers.PrimaryKeyRelatedField(
            source="course", queryset=Course.objects.all()
        )
        questions = QuestionFieldsSerializer(many=True, required=False)

        class Meta(TestFieldsSerializer.Meta):
            fields = ["course_id", *TestFieldsSerializer.Meta.fields, "questions"]

    @extend_schema(
        operation_id="admin_test_list",
        parameters=[CourseFilterSerializer],
        responses=TestSummaryOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = parse_query(CourseFilterSerializer, request)
        return paginated_response(
            view=self,
            request=request,
            queryset=test_list(**filters),
            serializer_class=TestSummaryOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_test_create",
        description="Creates a test with its questions; if any is invalid, nothing is written.",
        request=InputSerializer,
        responses={201: TestOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        questions = fields.pop("questions", [])
        test = test_create(
            actor=AuditActor.from_request(request), fields=fields, questions=questions
        )
        return Response(TestOutputSerializer(test_get(test_id=test.pk)).data, status=201)


class TestItemApi(AdminAPIView):
    @extend_schema_serializer(component_name="TestUpdate")
    class InputSerializer(TestFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_test_get", responses=TestOutputSerializer)
    def get(self, request: Request, test_id: int) -> Response:
        return Response(TestOutputSerializer(test_get(test_id=test_id)).data)

    @extend_schema(
        operation_id="admin_test_update",
        description="Updates the test's own fields; questions have their own endpoints.",
        request=InputSerializer,
        responses={200: TestOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request, test_id: int) -> Response:
        test = test_get(test_id=test_id)
        fields = parse_body(self.InputSerializer, request, instance=test)
        test_update(actor=AuditActor.from_request(request), test=test, fields=fields)
        return Response(TestOutputSerializer(test_get(test_id=test_id)).data)

    @extend_schema(operation_id="admin_test_delete", responses={204: None, **CONFLICT})
    def delete(self, request: Request, test_id: int) -> Response:
        test = test_get(test_id=test_id)
        test_delete(actor=AuditActor.from_request(request), test=test)
        return Response(status=204)


class QuestionCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    class FilterSerializer(serializers.Serializer):
        test_id = serializers.IntegerField(min_value=1, required=False)

    @extend_schema_serializer(component_name="QuestionCreate")
    class InputSerializer(QuestionFieldsSerializer):
        test_id = serializers.PrimaryKeyRelatedField(source="test", queryset=Test.objects.all())

        class Meta(QuestionFieldsSerializer.Meta):
            fields = ["test_id", *QuestionFieldsSerializer.Meta.fields]

    @extend_schema(
        operation_id="admin_question_list",
        parameters=[FilterSerializer],
        responses=QuestionOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = parse_query(self.FilterSerializer, request)
        return paginated_response(
            view=self,
            request=request,
            queryset=question_list(**filters),
            serializer_class=QuestionOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_question_create",
        request=InputSerializer,
        responses={201: QuestionOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        question = question_create(actor=AuditActor.from_request(request), fields=fields)
        return Response(QuestionOutputSerializer(question).data, status=201)


class QuestionItemApi(AdminAPIView):
    @extend_schema_serializer(component_name="QuestionUpdate")
    class InputSerializer(QuestionFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_question_get", responses=QuestionOutputSerializer)
    def get(self, request: Request, question_id: int) -> Response:
        return Response(QuestionOutputSerializer(question_get(question_id=question_id)).data)

    @extend_schema(
        operation_id="admin_question_update",
        request=InputSerializer,
        responses={200: QuestionOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request, question_id: int) -> Response:
        question = question_get(question_id=question_id)
        fields = parse_body(self.InputSerializer, request, instance=question)
        question = question_update(
            actor=AuditActor.from_request(request), question=question, fields=fields
        )
        return Response(QuestionOutputSerializer(question).data)

    @extend_schema(operation_id="admin_question_delete", responses={204: None, **CONFLICT})
    def delete(self, request: Request, question_id: int) -> Response:
        question = question_get(question_id=question_id)
        question_delete(actor=AuditActor.from_request(request), question=question)
        return Response(status=204)


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


class ProjectCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    @extend_schema_serializer(component_name="ProjectCreate")
    class InputSerializer(ProjectFieldsSerializer):
        course_id = serializers.PrimaryKeyRelatedField(
            source="course", queryset=Course.objects.all()
        )

        class Meta(ProjectFieldsSerializer.Meta):
            fields = ["course_id", *ProjectFieldsSerializer.Meta.fields]

    @extend_schema(
        operation_id="admin_project_list",
        parameters=[CourseFilterSerializer],
        responses=ProjectOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = parse_query(CourseFilterSerializer, request)
        return paginated_response(
            view=self,
            request=request,
            queryset=project_list(**filters),
            serializer_class=ProjectOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_project_create",
        request=InputSerializer,
        responses={201: ProjectOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        project = project_create(actor=AuditActor.from_request(request), fields=fields)
        return Response(ProjectOutputSerializer(project).data, status=201)


class ProjectItemApi(AdminAPIView):
    @extend_schema_serializer(component_name="ProjectUpdate")
    class InputSerializer(ProjectFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_project_get", responses=ProjectOutputSerializer)
    def get(self, request: Request, project_id: int) -> Response:
        return Response(ProjectOutputSerializer(project_get(project_id=project_id)).data)

    @extend_schema(
        operation_id="admin_project_update",
        request=InputSerializer,
        responses={200: ProjectOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request, project_id: int) -> Response:
        project = project_get(project_id=project_id)
        fields = parse_body(self.InputSerializer, request, instance=project)
        project = project_update(
            actor=AuditActor.from_request(request), project=project, fields=fields
        )
        return Response(ProjectOutputSerializer(project).data)

    @extend_schema(operation_id="admin_project_delete", responses={204: None, **CONFLICT})
    def delete(self, request: Request, project_id: int) -> Response:
        project = project_get(project_id=project_id)
        project_delete(actor=AuditActor.from_request(request), project=project)
        return Response(status=204)


class CertificateRuleOutputSerializer(serializers.ModelSerializer):
    course_id = serializers.IntegerField(read_only=True)
    required_test_ids = serializers.PrimaryKeyRelatedField(
        source="required_tests", many=True, read_only=True
    )
    required_lab_ids = serializers.PrimaryKeyRelatedField(
        source="required_labs", many=True, read_only=True
    )
    required_project_ids = serializers.PrimaryKeyRelatedField(
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


class CertificateRuleCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    @extend_schema_serializer(component_name="CertificateRuleSet")
    class InputSerializer(StrictSerializer):
        course_id = serializers.IntegerField(min_value=1)
        required_test_ids = serializers.PrimaryKeyRelatedField(
            queryset=Test.objects.all(), many=True, required=False
        )
        test_pass_percentage = serializers.IntegerField(
            min_value=0, max_value=100, allow_null=True, required=False
        )
        required_lab_ids = serializers.PrimaryKeyRelatedField(
            queryset=Lab.objects.all(), many=True, required=False
        )
        min_lab_weight = serializers.IntegerField(min_value=0, max_value=100_000, default=0)
        required_project_ids = serializers.PrimaryKeyRelatedField(
            queryset=Project.objects.all(), many=True, required=False
        )

    @extend_schema(
        operation_id="admin_certificate_rule_list",
        parameters=[CourseFilterSerializer],
        responses=CertificateRuleOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = parse_query(CourseFilterSerializer, request)
        return paginated_response(
            view=self,
            request=request,
            queryset=certificate_rule_list(**filters),
            serializer_class=CertificateRuleOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_certificate_rule_set",
        description=(
            "Sets a course's certificate rule: 201 when the course had none, 200 when its "
            "rule is replaced. An unknown course_id is a 404."
        ),
        request=InputSerializer,
        responses={
            200: CertificateRuleOutputSerializer,
            201: CertificateRuleOutputSerializer,
            **CONFLICT,
        },
    )
    def post(self, request: Request) -> Response:
        data = parse_body(self.InputSerializer, request)
        rule, created = certificate_rule_set(
            actor=AuditActor.from_request(request),
            course=course_get(course_id=data["course_id"]),
            test_pass_percentage=data.get("test_pass_percentage"),
            min_lab_weight=data["min_lab_weight"],
            required_tests=data.get("required_test_ids", []),
            required_labs=data.get("required_lab_ids", []),
            required_projects=data.get("required_project_ids", []),
        )
        output = CertificateRuleOutputSerializer(certificate_rule_get(rule_id=rule.pk))
        return Response(output.data, status=201 if created else 200)


class CertificateRuleItemApi(AdminAPIView):
    @extend_schema(
        operation_id="admin_certificate_rule_get", responses=CertificateRuleOutputSerializer
    )
    def get(self, request: Request, rule_id: int) -> Response:
        return Response(CertificateRuleOutputSerializer(certificate_rule_get(rule_id=rule_id)).data)

    @extend_schema(operation_id="admin_certificate_rule_delete", responses={204: None, **CONFLICT})
    def delete(self, request: Request, rule_id: int) -> Response:
        rule = certificate_rule_get(rule_id=rule_id)
        certificate_rule_delete(actor=AuditActor.from_request(request), rule=rule)
        return Response(status=204)
