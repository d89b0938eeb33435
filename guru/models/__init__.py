"""Guru's models, by area: content, commerce, platform settings, the admin audit log,
admin sign-in sessions, public API keys."""

from guru.models.admin_session import AdminSession
from guru.models.api_keys import ApiKey
from guru.models.audit import AdminAuditLog, AuditLogImmutable
from guru.models.commerce import ActionPrice, CreditPack, Plan, Voucher
from guru.models.content import (
    CertificateRule,
    Course,
    Lab,
    Lesson,
    Module,
    Project,
    Question,
    Test,
)
from guru.models.platform import ContentVersion, PlatformSettings

__all__ = [
    "ActionPrice",
    "AdminAuditLog",
    "AdminSession",
    "ApiKey",
    "AuditLogImmutable",
    "CertificateRule",
    "ContentVersion",
    "Course",
    "CreditPack",
    "Lab",
    "Lesson",
    "Module",
    "Plan",
    "PlatformSettings",
    "Project",
    "Question",
    "Test",
    "Voucher",
]
