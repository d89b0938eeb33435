"""Models on the Guru admin site. Sign-in sessions are read-only: opened only by the OTP."""

from django.contrib import admin
from django.http import HttpRequest

from guru.admin_site import guru_admin_site
from guru.models import AdminSession


@admin.register(AdminSession, site=guru_admin_site)
class AdminSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "channel", "created_at", "last_seen_at", "ended_at", "end_reason")
    list_filter = ("channel", "end_reason")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    # The password fingerprint stays out of every page.
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
