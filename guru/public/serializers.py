"""Shapes of Guru's public API. Answer material appears only with the grading scope."""

from typing import Any

from rest_framework import serializers

from guru.models import (
    ActionPrice,
    CertificateRule,
    Course,
    CreditPack,
    Lab,
    Lesson,
    Module,
    Plan,
    PlatformSettings,
    Project,
    Question,
    Test,
    Voucher,
)

CURRENCY = "INR"
PERIOD_DAYS = {
    Plan.Period.MONTHLY: 30,
    Plan.Period.QUARTERLY: 91,
    Plan.Period.YEARLY: 365,
}


class GradingFieldsMixin:
    """Drops the Meta.grading_fields unless the serializer context says grading=True (the
    schema marks them optional: only grading keys see them)."""

    def get_extra_kwargs(self) -> dict[str, Any]:
        extra = super().get_extra_kwargs()  # type: ignore[misc]
        for name in self.Meta.grading_fields:  # type: ignore[attr-defined]
            extra.setdefault(name, {})["required"] = False
        return extra

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)  # type: ignore[misc]
        if not self.context.get("grading"):  # type: ignore[attr-defined]
            for name in self.Meta.grading_fields:  # type: ignore[attr-defined]
                data.pop(name, None)
        return data


# What every public answer about a course says of the course itself.
COURSE_FIELDS = [
    "id",
    "title",
    "description",
    "level",
    "skills",
    "thumbnail_url",
    "credit_cost",
    "is_free",
    "academic_credits",
    "updated_at",
]


class PublicCourseSummary(serializers.ModelSerializer):
    module_count = serializers.IntegerField()
    lesson_count = serializers.IntegerField()
    lab_count = serializers.IntegerField()
    test_count = serializers.IntegerField()
    project_count = serializers.IntegerField()

    class Meta:
        model = Course
        fields = [
            *COURSE_FIELDS,
            "module_count",
            "lesson_count",
            "lab_count",
            "test_count",
            "project_count",
        ]


class PublicLesson(serializers.ModelSerializer):
    class Meta:
        model = Lesson
        fields = ["id", "title", "order", "content", "tutor_context", "updated_at"]


class PublicModule(serializers.ModelSerializer):
    lessons = PublicLesson(many=True)

    class Meta:
        model = Module
        fields = ["id", "title", "description", "order", "lessons"]


class PublicCourseDetail(serializers.ModelSerializer):
    modules = PublicModule(many=True)

    class Meta:
        model = Course
        fields = [*COURSE_FIELDS, "modules"]


class PublicQuestion(GradingFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = [
            "id",
            "order",
            "type",
            "prompt",
            "options",
            "points",
            "correct_answer",
            "explanation",
        ]
        grading_fields = ("correct_answer", "explanation")


class PublicTest(serializers.ModelSerializer):
    questions = PublicQuestion(many=True)

    class Meta:
        model = Test
        fields = [
            "id",
            "module_id",
            "title",
            "description",
            "time_limit_minutes",
            "pass_percentage",
            "max_attempts",
            "questions",
            "updated_at",
        ]


class PublicLab(GradingFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Lab
        fields = [
            "id",
            "module_id",
            "title",
            "order",
            "language",
            "instructions",
            "starter_code",
            "hints",
            "ai_context",
            "validation_type",
            "unlock_rule",
            "unlock_reference_id",
            "certificate_weight",
            "solution_code",
            "expected_output",
            "expected_pattern",
            "updated_at",
        ]
        grading_fields = ("solution_code", "expected_output", "expected_pattern")


class PublicProject(GradingFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "description",
            "objectives",
            "deliverables",
            "skills",
            "evaluation_notes",
            "updated_at",
        ]
        grading_fields = ("evaluation_notes",)


class PublicCertificateRule(serializers.ModelSerializer):
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
            "course_id",
            "required_test_ids",
            "test_pass_percentage",
            "required_lab_ids",
            "min_lab_weight",
            "required_project_ids",
            "updated_at",
        ]


class PublicActionPrice(serializers.ModelSerializer):
    directly_chargeable = serializers.BooleanField(source="is_chargeable")

    class Meta:
        model = ActionPrice
        fields = ["action", "credits", "directly_chargeable"]


class PublicCreditPack(serializers.ModelSerializer):
    currency = serializers.SerializerMethodField()

    class Meta:
        model = CreditPack
        fields = ["id", "name", "credits", "price_paise", "currency"]

    def get_currency(self, pack: CreditPack) -> str:
        return CURRENCY


class PublicPlan(serializers.ModelSerializer):
    currency = serializers.SerializerMethodField()
    period_days = serializers.SerializerMethodField()
    features = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = ["id", "name", "price_paise", "currency", "period", "period_days", "features"]

    def get_currency(self, plan: Plan) -> str:
        return CURRENCY

    def get_period_days(self, plan: Plan) -> int:
        return PERIOD_DAYS[Plan.Period(plan.period)]

    def get_features(self, plan: Plan) -> dict[str, bool]:
        """What the plan unlocks, as feature name -> true."""
        return dict.fromkeys(plan.features, True)


class PublicPricing(serializers.Serializer):
    actions = PublicActionPrice(many=True)
    credit_packs = PublicCreditPack(many=True)
    plans = PublicPlan(many=True)


class PublicVoucher(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = Voucher
        fields = ["code", "credits", "valid_from", "valid_until", "max_redemptions", "active"]


class PublicTutorSettings(serializers.Serializer):
    enabled = serializers.BooleanField(source="tutor_enabled")
    daily_question_cap = serializers.IntegerField(source="tutor_daily_question_cap")
    model = serializers.CharField(source="tutor_model")
    max_question_length = serializers.IntegerField(source="tutor_max_question_length")


class PublicPlatformSettings(serializers.ModelSerializer):
    tutor = PublicTutorSettings(source="*")

    class Meta:
        model = PlatformSettings
        fields = ["welcome_credits", "tutor", "updated_at"]


class PublicContentVersion(serializers.Serializer):
    version = serializers.IntegerField(
        help_text="Bumped in the transaction of every Guru write: a copy read under an older "
        "version may be out of date."
    )
