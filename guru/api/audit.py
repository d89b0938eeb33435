"""Admin API: the read-only admin audit log, filterable and paged."""

from rest_framework import serializers

from guru.api.viewsets import AdminEntityViewSet, ListMixin
from guru.models import AdminAuditLog
from guru.selectors.audit import audit_log_list


class AuditLogOutputSerializer(serializers.ModelSerializer):
    admin_id = serializers.IntegerField(read_only=True)
    admin_email = serializers.EmailField(source="admin.email", read_only=True)
    changes = serializers.DictField(help_text='Field name -> {"old": ..., "new": ...}.')

    class Meta:
        model = AdminAuditLog
        fields = [
            "id",
            "admin_id",
            "admin_email",
            "action_type",
            "entity_type",
            "entity_id",
            "timestamp",
            "ip_address",
            "changes",
        ]


class AuditLogFilterSerializer(serializers.Serializer):
    admin_id = serializers.IntegerField(min_value=1, required=False)
    action_type = serializers.ChoiceField(choices=AdminAuditLog.Action.choices, required=False)
    entity_type = serializers.ChoiceField(choices=AdminAuditLog.Entity.choices, required=False)
    entity_id = serializers.IntegerField(min_value=1, required=False)
    since = serializers.DateTimeField(required=False, help_text="From this time (inclusive).")
    until = serializers.DateTimeField(required=False, help_text="Before this time.")

    def validate(self, attrs: dict) -> dict:
        if "since" in attrs and "until" in attrs and attrs["until"] <= attrs["since"]:
            raise serializers.ValidationError({"until": "Must be after since."})
        return attrs


class AuditLogViewSet(ListMixin, AdminEntityViewSet[AdminAuditLog]):
    entity = "audit_log"
    model = AdminAuditLog
    output_serializer = AuditLogOutputSerializer
    filter_serializer = AuditLogFilterSerializer
    list_selector = audit_log_list
    descriptions = {"list": "Newest first."}
