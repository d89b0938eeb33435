"""The notifications API (/api/notifications): list, mark one read, mark all read."""

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsStudent, student_of
from config.pagination import NewestFirstCursorPagination
from shishya import selectors, services
from shishya.models import Notification


class NotificationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        ref_name = "Notification"
        model = Notification
        fields = ["id", "kind", "title", "body", "data", "created_at", "read_at"]
        read_only_fields = fields


class NotificationPagination(NewestFirstCursorPagination):
    """A cursor page with the user's unread count beside it (the badge in the SPA)."""

    def get_paginated_response_with_unread(self, data: Any, *, unread_count: int) -> Response:
        response = self.get_paginated_response(data)
        response.data["unread_count"] = unread_count
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["unread_count"] = {"type": "integer", "example": 3}
        paginated["required"] = [*paginated.get("required", []), "unread_count"]
        return paginated


class NotificationListView(APIView):
    permission_classes = [IsStudent]
    pagination_class = NotificationPagination

    @extend_schema(
        operation_id="notifications_list",
        responses={200: NotificationOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        student = student_of(request)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.notification_list(user=student), request, view=self
        )
        return paginator.get_paginated_response_with_unread(
            NotificationOutputSerializer(page, many=True).data,
            unread_count=selectors.notification_unread_count(user=student),
        )


class NotificationReadView(APIView):
    permission_classes = [IsStudent]

    @extend_schema(
        operation_id="notifications_read",
        request=None,
        responses={200: NotificationOutputSerializer},
    )
    def post(self, request: Request, notification_id: uuid.UUID) -> Response:
        notification = services.notification_mark_read(
            user=student_of(request), notification_id=notification_id
        )
        return Response(NotificationOutputSerializer(notification).data)


class NotificationReadAllView(APIView):
    permission_classes = [IsStudent]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "NotificationsMarkedRead"

        marked_read = serializers.IntegerField()

    @extend_schema(
        operation_id="notifications_read_all", request=None, responses={200: OutputSerializer}
    )
    def post(self, request: Request) -> Response:
        marked = services.notification_mark_all_read(user=student_of(request))
        return Response(self.OutputSerializer({"marked_read": marked}).data)
