"""Guru's models on the Guru admin site (/guru/admin/, behind the admin OTP). Every write goes
through guru's services, so the site validates and audits exactly like the admin API; sign-in
sessions are read-only: opened only by the OTP."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet, URLField
from django.http import HttpRequest

from config.errors import ApiError
from guru.admin_site import guru_admin_site
from guru.models import (
    ActionPrice,
    AdminAuditLog,
    AdminSession,
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
from guru.services import commerce, content
from guru.services.audit import AuditActor
from guru.services.entities import (
    audited_create,
    audited_delete,
    audited_update,
    entity_delete_blockers,
)


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes through guru's audited services, as the admin API does; a model whose writes
    have rules of their own overrides create, update or delete with its service."""

    # The parent a row belongs to is chosen once, as in the API.
    parent_field: str | None = None

    def create(self, actor: AuditActor, fields: Mapping[str, Any]) -> Model:
        return audited_create(actor=actor, model=self.model, fields=fields)

    def update(self, actor: AuditActor, obj: Any, fields: Mapping[str, Any]) -> Model:
        return audited_update(actor=actor, instance=obj, fields=fields)

    def delete(self, actor: AuditActor, obj: Any) -> None:
        audited_delete(actor=actor, instance=obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and self.parent_field:
            readonly.append(self.parent_field)
        return readonly

    def save_model(
        self, request: HttpRequest, obj: Model, form: forms.ModelForm, change: bool
    ) -> None:
        actor = AuditActor.from_request(request)
        if change:
            self.update(actor, obj, form.cleaned_data)
        else:
            # The admin site logs and redirects with the form's instance: give it the id.
            obj.pk = self.create(actor, form.cleaned_data).pk

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        """The service already saved many-to-many fields with the row."""

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        self.delete(AuditActor.from_request(request), obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple:
        # What the API answers 409 content_in_use for, the site shows as protected.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for obj in objs:
            protected += entity_delete_blockers(obj)
        return deleted, counts, perms_needed, protected


@admin.register(Course, site=guru_admin_site)
class CourseAdmin(AuditedModelAdmin):
    list_display = ["id", "title", "credit_cost", "is_free", "is_published", "is_archived"]
    list_filter = ["is_published", "is_archived", "level"]
    search_fields = ["title"]
    readonly_fields = ["is_published", "first_published_at", "is_archived", "archived_at"]
    actions = ["publish", "unpublish"]
    # Thumbnails are served over HTTPS; Django 6 makes this the default.
    formfield_overrides = {URLField: {"assume_scheme": "https"}}

    def update(self, actor: AuditActor, obj: Course, fields: Mapping[str, Any]) -> Model:
        return content.course_update(actor=actor, course=obj, fields=fields)

    def delete(self, actor: AuditActor, obj: Course) -> None:
        content.course_delete(actor=actor, course=obj)

    def has_change_permission(self, request: HttpRequest, obj: Course | None = None) -> bool:
        # Archived courses are kept for what students earned; they are not edited.
        return super().has_change_permission(request, obj) and not (obj and obj.is_archived)

    @admin.action(description="Publish selected courses")
    def publish(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        for course in queryset:
            try:
                content.course_publish(actor=AuditActor.from_request(request), course=course)
            except ApiError as exc:
                self.message_user(request, f"{course}: {exc.message}", messages.ERROR)

    @admin.action(description="Unpublish selected courses")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        for course in queryset:
            content.course_unpublish(actor=AuditActor.from_request(request), course=course)


@admin.register(Module, site=guru_admin_site)
class ModuleAdmin(AuditedModelAdmin):
    list_display = ["id", "title", "course", "order"]
    list_select_related = ["course"]
    parent_field = "course"


@admin.register(Lesson, site=guru_admin_site)
class LessonAdmin(AuditedModelAdmin):
    list_display = ["id", "title", "module", "order"]
    list_select_related = ["module"]
    parent_field = "module"


@admin.register(Lab, site=guru_admin_site)
class LabAdmin(AuditedModelAdmin):
    list_display = ["id", "title", "course", "order", "language", "validation_type"]
    list_select_related = ["course"]
    parent_field = "course"


@admin.register(Test, site=guru_admin_site)
class TestAdmin(AuditedModelAdmin):
    list_display = ["id", "title", "course", "pass_percentage", "max_attempts"]
    list_select_related = ["course"]
    parent_field = "course"

    def create(self, actor: AuditActor, fields: Mapping[str, Any]) -> Model:
        return content.test_create(actor=actor, fields=fields, questions=[])


@admin.register(Question, site=guru_admin_site)
class QuestionAdmin(AuditedModelAdmin):
    list_display = ["id", "test", "order", "type", "points"]
    list_select_related = ["test"]
    parent_field = "test"


@admin.register(Project, site=guru_admin_site)
class ProjectAdmin(AuditedModelAdmin):
    list_display = ["id", "title", "course"]
    list_select_related = ["course"]
    parent_field = "course"


class CertificateRuleForm(forms.ModelForm):
    class Meta:
        model = CertificateRule
        fields = [
            "course",
            "required_tests",
            "test_pass_percentage",
            "required_labs",
            "min_lab_weight",
            "required_projects",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        course = data.get("course") or (self.instance.course if self.instance.pk else None)
        if course is not None:
            CertificateRule.validate_requirements(
                course=course,
                tests=data.get("required_tests", []),
                labs=data.get("required_labs", []),
                projects=data.get("required_projects", []),
            )
        return data


@admin.register(CertificateRule, site=guru_admin_site)
class CertificateRuleAdmin(AuditedModelAdmin):
    form = CertificateRuleForm
    list_display = ["id", "course", "test_pass_percentage", "min_lab_weight"]
    list_select_related = ["course"]
    filter_horizontal = ["required_tests", "required_labs", "required_projects"]
    parent_field = "course"

    def create(self, actor: AuditActor, fields: Mapping[str, Any]) -> Model:
        return self._set(actor, fields["course"], fields)

    def update(self, actor: AuditActor, obj: CertificateRule, fields: Mapping[str, Any]) -> Model:
        return self._set(actor, obj.course, fields)

    @staticmethod
    def _set(actor: AuditActor, course: Course, fields: Mapping[str, Any]) -> Model:
        rule, _ = content.certificate_rule_set(
            actor=actor,
            course=course,
            test_pass_percentage=fields["test_pass_percentage"],
            min_lab_weight=fields["min_lab_weight"],
            required_tests=list(fields["required_tests"]),
            required_labs=list(fields["required_labs"]),
            required_projects=list(fields["required_projects"]),
        )
        return rule


@admin.register(ActionPrice, site=guru_admin_site)
class ActionPriceAdmin(AuditedModelAdmin):
    list_display = ["action", "credits", "is_chargeable"]


@admin.register(CreditPack, site=guru_admin_site)
class CreditPackAdmin(AuditedModelAdmin):
    list_display = ["name", "credits", "price_paise", "is_active"]


@admin.register(Plan, site=guru_admin_site)
class PlanAdmin(AuditedModelAdmin):
    list_display = ["name", "price_paise", "period", "is_active"]


@admin.register(Voucher, site=guru_admin_site)
class VoucherAdmin(AuditedModelAdmin):
    list_display = ["code", "credits", "valid_from", "valid_until", "max_redemptions", "is_active"]
    search_fields = ["code"]


@admin.register(PlatformSettings, site=guru_admin_site)
class PlatformSettingsAdmin(AuditedModelAdmin):
    """One row, created by migration: edited, never added or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def update(self, actor: AuditActor, obj: PlatformSettings, fields: Mapping[str, Any]) -> Model:
        return commerce.platform_settings_update(actor=actor, fields=fields)


@admin.register(AdminAuditLog, site=guru_admin_site)
class AdminAuditLogAdmin(admin.ModelAdmin):
    """Read-only: audit rows are never added, changed or deleted by hand."""

    list_display = ["timestamp", "admin", "action_type", "entity_type", "entity_id", "ip_address"]
    list_filter = ["action_type", "entity_type"]
    list_select_related = ["admin"]
    search_fields = ["admin__email"]
    date_hierarchy = "timestamp"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AdminSession, site=guru_admin_site)
class AdminSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "channel", "created_at", "last_seen_at", "ended_at", "end_reason")
    list_filter = ("channel", "end_reason")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    fields = (
        "id",
        "user",
        "channel",
        "created_at",
        "last_seen_at",
        "ended_at",
        "end_reason",
        "ip",
        "user_agent",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
