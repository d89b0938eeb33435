"""The tutor's records: a student's conversations about a lesson or a lab, their messages, and
each question put to the model with the credits held for it and what it finally cost."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Conversation(models.Model):
    """One student's thread about one lesson or one lab of a course (Guru's ids)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tutor_conversations"
    )
    course_id = models.PositiveBigIntegerField()
    lesson_id = models.PositiveBigIntegerField(null=True, blank=True)
    lab_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The lesson's or lab's title when the conversation began, for the history list.
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(lesson_id__isnull=False, lab_id__isnull=True)
                | Q(lesson_id__isnull=True, lab_id__isnull=False),
                name="conversation_about_a_lesson_or_a_lab",
            )
        ]
        indexes = [models.Index(fields=["user", "-updated_at", "-id"])]

    def __str__(self) -> str:
        return f"conversation {self.pk} of user {self.user_id}"


class Ask(models.Model):
    """One question to the model, once per Idempotency-Key. While PENDING its credits are held
    against the balance (and it counts towards the daily cap); ANSWERED means charged exactly
    once (ledger_entry_id) with both messages stored; FAILED costs nothing and may be retried
    with the same key."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the model"
        ANSWERED = "answered", "Answered and charged"
        FAILED = "failed", "Failed, not charged"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tutor_asks"
    )
    idempotency_key = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, null=True, blank=True, related_name="asks"
    )
    # Guru's price when the question was asked: held while pending, charged when answered.
    credits = models.PositiveIntegerField()
    # Why nothing is charged when credits is 0 and the price was not: a plan "feature".
    waived_by = models.CharField(max_length=64, blank=True)
    ledger_entry_id = models.BigIntegerField(null=True, blank=True)
    balance_after = models.BigIntegerField(null=True, blank=True)
    model = models.CharField(max_length=100, blank=True)
    prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    completion_tokens = models.PositiveIntegerField(null=True, blank=True)
    # The error code the student got when the model call failed.
    error_code = models.CharField(max_length=64, blank=True)
    # When the hold began (a retry of a failed ask begins a new one).
    held_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="ask_once_per_key")
        ]
        indexes = [models.Index(fields=["user", "status", "answered_at"])]

    def __str__(self) -> str:
        return f"ask {self.pk} of user {self.user_id}: {self.status}"


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", "Student"
        ASSISTANT = "assistant", "Mithra"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=9, choices=Role.choices)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One question and one answer per ask, however often it is retried.
            models.UniqueConstraint(fields=["ask", "role"], name="message_once_per_ask_and_role")
        ]
        indexes = [models.Index(fields=["conversation", "id"])]

    def __str__(self) -> str:
        return f"{self.role} message {self.pk} in conversation {self.conversation_id}"
