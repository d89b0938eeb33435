"""The admin audit log: who changed which Guru entity, when, from where, and what changed."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AuditLogImmutable(Exception):
    """Audit rows are written once; the database trigger refuses changes too."""


class AdminAuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogImmutable("Admin audit rows cannot be updated.")

    def delete(self) -> NoReturn:
        raise AuditLogImmutable("Admin audit rows cannot be deleted.")


class AdminAuditLog(models.Model):
    class Action(models.TextChoices):
        CREATE = "CREATE", "Create"
        UPDATE = "UPDATE", "Update"
        DELETE = "DELETE", "Delete"

    class Entity(models.TextChoices):
        COURSE = "COURSE", "Course"
        MODULE = "MODULE", "Module"
        LESSON = "LESSON", "Lesson"
        LAB = "LAB", "Lab"
        TEST = "TEST", "Test"
        QUESTION = "QUESTION", "Question"
        PROJECT = "PROJECT", "Project"
        CERTIFICATE = "CERTIFICATE", "Certificate rule"
        PRICING = "PRICING", "Action price"
        CREDIT_PACK = "CREDIT_PACK", "Credit pack"
        PLAN = "PLAN", "Plan"
        VOUCHER = "VOUCHER", "Voucher"
        SETTINGS = "SETTINGS", "Platform settings"
        API_KEY = "API_KEY", "Public API key"
        WALLET_GRANT = "WALLET_GRANT", "Credits granted to a student"
        WALLET_REVERSAL = "WALLET_REVERSAL", "Credits taken back from a student"

    # PROTECT: admins are deactivated, never deleted, while their audit rows exist.
    admin = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action_type = models.CharField(max_length=8, choices=Action.choices)
    entity_type = models.CharField(max_length=16, choices=Entity.choices)
    entity_id = models.BigIntegerField()
    timestamp = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    changes = models.JSONField(
        default=dict, blank=True, help_text='Field name -> {"old": ..., "new": ...}.'
    )

    objects = AdminAuditLogQuerySet.as_manager()

    class Meta:
        db_table = "admin_audit_logs"
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["entity_type", "entity_id"], name="audit_entity_idx"),
            models.Index(fields=["admin", "-timestamp"], name="audit_admin_time_idx"),
            models.Index(fields=["-timestamp", "-id"], name="audit_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action_type} {self.entity_type} {self.entity_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogImmutable("Admin audit rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogImmutable("Admin audit rows cannot be deleted.")
