"""The catalogue Guru owns: courses and everything inside them, and certificate rules."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from guru.models.base import Timestamped
from guru.models.validators import validate_regex, validate_string_list

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Course(Timestamped):
    class Level(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.BEGINNER)
    skills = models.JSONField(default=list, blank=True, validators=[validate_string_list])
    thumbnail_url = models.URLField(max_length=500, blank=True)
    credit_cost = models.PositiveIntegerField(default=0, help_text="Credits to enroll.")
    is_free = models.BooleanField(default=False)
    academic_credits = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(40)],
        help_text="Academic credits this course weighs in the CGPA.",
    )
    # Publish state changes only through course_publish / course_unpublish / course_delete.
    is_published = models.BooleanField(default=False, editable=False)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_archived = models.BooleanField(default=False, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_cost__gte=0), name="course_credit_cost_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(academic_credits__gte=0), name="course_academic_credits_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(is_free=False) | Q(credit_cost=0), name="course_free_costs_nothing"
            ),
            models.CheckConstraint(
                condition=Q(is_archived=False) | Q(is_published=False),
                name="course_archived_is_unpublished",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(first_published_at__isnull=False),
                name="course_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.is_free and self.credit_cost:
            raise ValidationError({"credit_cost": "A free course costs 0 credits."})

    @property
    def owning_course_id(self) -> int | None:
        return self.pk

    @property
    def was_published(self) -> bool:
        return self.first_published_at is not None


class Module(Timestamped):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["course_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["course", "order"], name="module_order_unique"),
            models.CheckConstraint(condition=Q(order__gte=0), name="module_order_gte_0"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_course_id(self) -> int | None:
        return self.course_id


class Lesson(Timestamped):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    content = models.TextField(help_text="Markdown.")
    order = models.PositiveIntegerField()
    tutor_context = models.TextField(
        blank=True, help_text="What the AI tutor is told about this lesson."
    )

    class Meta:
        ordering = ["module_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["module", "order"], name="lesson_order_unique"),
            models.CheckConstraint(condition=Q(order__gte=0), name="lesson_order_gte_0"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_course_id(self) -> int | None:
        return self.module.course_id if self.module_id else None


def _module_in_course_errors(item: "Lab | Test") -> dict[str, str]:
    module = item.module if item.module_id and item.course_id else None
    if module is not None and module.course_id != item.course_id:
        return {"module": "The module belongs to another course."}
    return {}


class Lab(Timestamped):
    class Language(models.TextChoices):
        PYTHON = "python", "Python"
        JAVASCRIPT = "javascript", "JavaScript"
        TYPESCRIPT = "typescript", "TypeScript"
        JAVA = "java", "Java"
        C = "c", "C"
        CPP = "cpp", "C++"
        GO = "go", "Go"
        SQL = "sql", "SQL"
        HTML = "html", "HTML/CSS"

    class ValidationType(models.TextChoices):
        REGEX = "regex", "Code matches a regular expression"
        CONTAINS = "contains", "Code contains the expected text"
        STDOUT = "stdout", "Program output equals the expected output"

    # Validation types that run the student's code; the others check its text.
    EXECUTED_VALIDATION_TYPES = frozenset({ValidationType.STDOUT})

    class UnlockRule(models.TextChoices):
        ALWAYS = "always", "Always open"
        LESSON_COMPLETE = "lesson_complete", "After a lesson is completed"
        LAB_COMPLETE = "lab_complete", "After another lab is completed"
        TEST_PASS = "test_pass", "After a test is passed"
        MODULE_COMPLETE = "module_complete", "After a module is completed"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="labs")
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, null=True, blank=True, related_name="labs"
    )
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField()
    language = models.CharField(max_length=16, choices=Language.choices)
    instructions = models.TextField()
    starter_code = models.TextField(blank=True)
    solution_code = models.TextField(blank=True)
    validation_type = models.CharField(max_length=16, choices=ValidationType.choices)
    expected_output = models.TextField(blank=True, help_text="For contains and stdout.")
    expected_pattern = models.CharField(
        max_length=1000, blank=True, validators=[validate_regex], help_text="For regex."
    )
    hints = models.JSONField(default=list, blank=True, validators=[validate_string_list])
    ai_context = models.TextField(blank=True, help_text="What the AI tutor is told about it.")
    unlock_rule = models.CharField(
        max_length=16, choices=UnlockRule.choices, default=UnlockRule.ALWAYS
    )
    unlock_reference_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Id of the lesson, lab, test or module the rule names."
    )
    certificate_weight = models.PositiveSmallIntegerField(default=0, validators=PERCENT)

    class Meta:
        ordering = ["course_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["course", "order"], name="lab_order_unique"),
            models.CheckConstraint(
                condition=Q(certificate_weight__gte=0, certificate_weight__lte=100),
                name="lab_certificate_weight_0_100",
            ),
            models.CheckConstraint(
                condition=(
                    Q(unlock_rule="always", unlock_reference_id__isnull=True)
                    | (~Q(unlock_rule="always") & Q(unlock_reference_id__isnull=False))
                ),
                name="lab_unlock_reference_matches_rule",
            ),
            models.CheckConstraint(
                condition=(
                    (Q(validation_type="regex") & ~Q(expected_pattern=""))
                    | (Q(validation_type__in=["contains", "stdout"]) & ~Q(expected_output=""))
                ),
                name="lab_validation_has_expectation",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_course_id(self) -> int | None:
        return self.course_id

    @property
    def requires_execution(self) -> bool:
        return self.validation_type in self.EXECUTED_VALIDATION_TYPES

    def clean(self) -> None:
        errors: dict[str, str] = _module_in_course_errors(self)
        if self.validation_type == self.ValidationType.REGEX and not self.expected_pattern:
            errors["expected_pattern"] = "A regex lab needs a pattern."
        if (
            self.validation_type in (self.ValidationType.CONTAINS, self.ValidationType.STDOUT)
            and not self.expected_output
        ):
            errors["expected_output"] = "This validation type needs an expected output."
        errors.update(self._unlock_errors())
        if errors:
            raise ValidationError(errors)

    def _unlock_errors(self) -> dict[str, str]:
        if self.unlock_rule == self.UnlockRule.ALWAYS:
            if self.unlock_reference_id is not None:
                return {"unlock_reference_id": "A lab that is always open names no reference."}
            return {}
        if self.unlock_reference_id is None:
            return {"unlock_reference_id": "This unlock rule needs a reference id."}
        if not self.course_id:
            return {}
        referenced = {
            self.UnlockRule.LESSON_COMPLETE: Lesson.objects.filter(module__course=self.course_id),
            self.UnlockRule.LAB_COMPLETE: Lab.objects.filter(course=self.course_id).exclude(
                pk=self.pk
            ),
            self.UnlockRule.TEST_PASS: Test.objects.filter(course=self.course_id),
            self.UnlockRule.MODULE_COMPLETE: Module.objects.filter(course=self.course_id),
        }[self.UnlockRule(self.unlock_rule)]
        if not referenced.filter(pk=self.unlock_reference_id).exists():
            return {"unlock_reference_id": "No such item in this course for this unlock rule."}
        return {}


class Test(Timestamped):
    # Keeps pytest from collecting this model as a test class wherever tests import it.
    __test__ = False

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="tests")
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, null=True, blank=True, related_name="tests"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    pass_percentage = models.PositiveSmallIntegerField(validators=PERCENT)
    max_attempts = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["course_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_percentage__gte=0, pass_percentage__lte=100),
                name="test_pass_percentage_0_100",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__gte=1), name="test_time_limit_gte_1"
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1), name="test_max_attempts_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_course_id(self) -> int | None:
        return self.course_id

    def clean(self) -> None:
        if errors := _module_in_course_errors(self):
            raise ValidationError(errors)


class Question(Timestamped):
    class Type(models.TextChoices):
        SINGLE_CHOICE = "single_choice", "One correct option"
        MULTIPLE_CHOICE = "multiple_choice", "Several correct options"
        TRUE_FALSE = "true_false", "True or false"
        SHORT_ANSWER = "short_answer", "Short text answer"

    test = models.ForeignKey(Test, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField()
    type = models.CharField(max_length=16, choices=Type.choices)
    prompt = models.TextField()
    options = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_string_list],
        help_text="Choice texts; empty for true/false and short answers.",
    )
    correct_answer = models.JSONField(
        help_text=(
            "single_choice: option index; multiple_choice: list of option indexes; "
            "true_false: boolean; short_answer: the expected text."
        )
    )
    explanation = models.TextField(blank=True)
    points = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["test_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["test", "order"], name="question_order_unique"),
            models.CheckConstraint(condition=Q(points__gte=1), name="question_points_gte_1"),
        ]

    def __str__(self) -> str:
        return f"Q{self.order}: {self.prompt[:40]}"

    @property
    def owning_course_id(self) -> int | None:
        return self.test.course_id if self.test_id else None

    def clean(self) -> None:
        errors = self._answer_errors()
        if errors:
            raise ValidationError(errors)

    def _answer_errors(self) -> dict[str, str]:
        options = self.options if isinstance(self.options, list) else []
        answer = self.correct_answer
        if self.type in (self.Type.SINGLE_CHOICE, self.Type.MULTIPLE_CHOICE):
            if len(options) < 2:
                return {"options": "A choice question needs at least two options."}
            indexes = answer if self.type == self.Type.MULTIPLE_CHOICE else [answer]
            if self.type == self.Type.MULTIPLE_CHOICE and (
                not isinstance(answer, list) or not answer or len(set(answer)) != len(answer)
            ):
                return {"correct_answer": "Give a non-empty list of distinct option indexes."}
            # bool is an int in Python; an index never is one.
            if not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(options)
                for i in indexes
            ):
                return {"correct_answer": "Option indexes must point at the options (from 0)."}
            return {}
        if options:
            return {"options": "Only choice questions have options."}
        if self.type == self.Type.TRUE_FALSE and not isinstance(answer, bool):
            return {"correct_answer": "A true/false question's answer is true or false."}
        if self.type == self.Type.SHORT_ANSWER and not (
            isinstance(answer, str) and answer.strip() and len(answer) <= 500
        ):
            return {"correct_answer": "A short answer is non-blank text of at most 500 chars."}
        return {}


class Project(Timestamped):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(max_length=200)
    description = models.TextField()
    objectives = models.JSONField(default=list, blank=True, validators=[validate_string_list])
    deliverables = models.JSONField(default=list, blank=True, validators=[validate_string_list])
    evaluation_notes = models.TextField(blank=True, help_text="For graders only.")
    skills = models.JSONField(default=list, blank=True, validators=[validate_string_list])

    class Meta:
        ordering = ["course_id", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_course_id(self) -> int | None:
        return self.course_id


class CertificateRule(Timestamped):
    """What a student must achieve in a course to earn its certificate."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="certificate_rule")
    required_tests = models.ManyToManyField(Test, blank=True, related_name="certificate_rules")
    test_pass_percentage = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=PERCENT,
        help_text="Mark needed on each required test; empty: each test's own pass percentage.",
    )
    required_labs = models.ManyToManyField(Lab, blank=True, related_name="certificate_rules")
    min_lab_weight = models.PositiveIntegerField(
        default=0, help_text="Total certificate weight of completed labs needed."
    )
    required_projects = models.ManyToManyField(
        Project, blank=True, related_name="certificate_rules"
    )

    class Meta:
        ordering = ["course_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(test_pass_percentage__isnull=True)
                | Q(test_pass_percentage__gte=0, test_pass_percentage__lte=100),
                name="certificate_rule_pass_percentage_0_100",
            ),
            models.CheckConstraint(
                condition=Q(min_lab_weight__gte=0), name="certificate_rule_lab_weight_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"Certificate rule of course {self.course_id}"

    @property
    def owning_course_id(self) -> int | None:
        return self.course_id

    @staticmethod
    def validate_requirements(
        *,
        course: Course,
        tests: Iterable[Test],
        labs: Iterable[Lab],
        projects: Iterable[Project],
    ) -> None:
        """Required items are many-to-many, so they are checked here, not in clean()."""
        errors: dict[str, Any] = {}
        for name, items in (
            ("required_tests", tests),
            ("required_labs", labs),
            ("required_projects", projects),
        ):
            if any(item.course_id != course.pk for item in items):
                errors[name] = "Every required item must belong to the rule's course."
        if errors:
            raise ValidationError(errors)
