"""What students do with Guru's courses: SHISHYA's own records. Courses, lessons, labs, tests
and projects are Guru's and are referred to by id; rules and answers are read from Guru."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Enrollment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course_id = models.PositiveBigIntegerField()
    credits_charged = models.PositiveIntegerField(default=0)
    # Why nothing was charged when credits_charged is 0: "free" course or a plan "feature".
    waived_by = models.CharField(max_length=64, blank=True)
    ledger_entry_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course_id"], name="enrollment_once_per_course")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} in course {self.course_id}"


class LessonCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    course_id = models.PositiveBigIntegerField()
    lesson_id = models.PositiveBigIntegerField()
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson_id"], name="lesson_completed_once")
        ]
        indexes = [models.Index(fields=["user", "course_id"])]

    def __str__(self) -> str:
        return f"user {self.user_id} completed lesson {self.lesson_id}"


class LabSubmission(models.Model):
    class Verdict(models.TextChoices):
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_submissions"
    )
    course_id = models.PositiveBigIntegerField()
    lab_id = models.PositiveBigIntegerField()
    # The client's Idempotency-Key: one submission (and one charge) per key.
    idempotency_key = models.CharField(max_length=200)
    code = models.TextField()
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    # What the student may see of the run (their program's output or the checker's message);
    # never the lab's expected output.
    feedback = models.TextField(blank=True)
    credits_charged = models.PositiveIntegerField(default=0)
    ledger_entry_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="lab_submission_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["user", "course_id", "lab_id"])]

    def __str__(self) -> str:
        return f"lab {self.lab_id} by user {self.user_id}: {self.verdict}"


class LabCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_completions"
    )
    course_id = models.PositiveBigIntegerField()
    lab_id = models.PositiveBigIntegerField()
    submission = models.OneToOneField(LabSubmission, on_delete=models.PROTECT)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lab_id"], name="lab_completed_once")
        ]
        indexes = [models.Index(fields=["user", "course_id"])]

    def __str__(self) -> str:
        return f"user {self.user_id} completed lab {self.lab_id}"


class TestAttempt(models.Model):
    """One sitting of a Guru test. The questions are stored as served (never with answers);
    grading fills in the rest on submit."""

    __test__ = False  # not a pytest test class

    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        SUBMITTED = "submitted", "Submitted and graded"
        EXPIRED = "expired", "Closed after its deadline"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="test_attempts"
    )
    course_id = models.PositiveBigIntegerField()
    test_id = models.PositiveBigIntegerField()
    attempt_number = models.PositiveSmallIntegerField()
    # Guru's max attempts when this one started: the constraint below holds the limit.
    max_attempts = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    questions = models.JSONField(help_text="The questions as served, without answers.")
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(null=True, blank=True)
    # Per question: {"question_id", "correct", "points", "explanation", ...} after grading.
    results = models.JSONField(null=True, blank=True)
    score_points = models.PositiveIntegerField(null=True, blank=True)
    max_points = models.PositiveIntegerField(null=True, blank=True)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "test_id", "attempt_number"], name="test_attempt_number_once"
            ),
            models.CheckConstraint(
                condition=Q(attempt_number__gte=1, attempt_number__lte=F("max_attempts")),
                name="test_attempt_within_max_attempts",
            ),
            # At most one attempt in progress per student, across all tests.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="active"),
                name="test_attempt_one_active_per_student",
            ),
        ]
        indexes = [models.Index(fields=["user", "course_id", "test_id"])]

    def __str__(self) -> str:
        return f"test {self.test_id} attempt {self.attempt_number} by user {self.user_id}"


class ProjectSubmission(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Submitted, awaiting review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Needs changes"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_submissions"
    )
    course_id = models.PositiveBigIntegerField()
    project_id = models.PositiveBigIntegerField()
    repo_url = models.URLField(max_length=500)
    live_url = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    show_in_portfolio = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # A resubmission replaces the student's submission for the project.
            models.UniqueConstraint(
                fields=["user", "project_id"], name="project_submission_once_per_project"
            )
        ]
        indexes = [models.Index(fields=["user", "course_id"])]

    def __str__(self) -> str:
        return f"project {self.project_id} by user {self.user_id}: {self.status}"


REVOKED_REASON_MAX_LENGTH = 300


class Certificate(models.Model):
    """Issued once per student and course; keeps what it was issued on."""

    # Readable and unguessable: "OSC-" + 4 groups of 4 Crockford base32 chars (80 bits).
    id = models.CharField(primary_key=True, max_length=24, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    course_id = models.PositiveBigIntegerField()
    student_name = models.CharField(max_length=150)
    course_title = models.CharField(max_length=200)
    skills = models.JSONField(default=list)
    # The certificate rules met and the scores they were met with, as at issue time.
    rules_snapshot = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    credits_charged = models.PositiveIntegerField(default=0)
    ledger_entry_id = models.BigIntegerField(null=True, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=REVOKED_REASON_MAX_LENGTH, blank=True)
    # The staff member who revoked it (the reason and time are beside it).
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course_id"], name="certificate_once_per_course"
            )
        ]

    def __str__(self) -> str:
        return self.id


class MarksheetIdentity(models.Model):
    """A student's marksheet verification id (the marksheet itself is computed live)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marksheet_identity"
    )
    # Same shape as certificate ids, with the "OSM-" prefix.
    verification_id = models.CharField(max_length=24, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.verification_id
