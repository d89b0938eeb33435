"""Admin API: the read-only admin audit log, filterable and paged."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config.pagination import PagePagination
from guru.admin_base import AdminAPIView
from guru.api.common import paginated_response, parse_query
from guru.models import AdminAuditLog
from guru.selectors import audit_log_list


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


class AuditLogListApi(AdminAPIView):
    pagination_class = PagePagination

    class FilterSerializer(serializers.Serializer):
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

    @extend_schema(
        operation_id="admin_audit_log_list",
        description="Newest first.",
        parameters=[FilterSerializer],
        responses=AuditLogOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = parse_query(self.FilterSerializer, request)
        return paginated_response(
            view=self,
            request=request,
            queryset=audit_log_list(**filters),
            serializer_class=AuditLogOutputSerializer,
        )
