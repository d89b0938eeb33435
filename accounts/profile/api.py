"""The student profile API (/api/user/profile): read and update."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_common import StudentView
from accounts.models import User
from accounts.permissions import student_of
from accounts.profile.services import profile_update
from accounts.validators import http_url, username_validate
from config.openapi import ErrorSerializer
from config.serializers import StrictSerializer


class ProfileView(StudentView):
    class InputSerializer(StrictSerializer):
        class Meta:
            ref_name = "ProfileInput"

        name = serializers.CharField(max_length=150)
        username = serializers.CharField(max_length=30, allow_null=True)
        headline = serializers.CharField(max_length=120, allow_blank=True)
        bio = serializers.CharField(max_length=2000, allow_blank=True)
        links = serializers.ListField(
            child=serializers.URLField(max_length=500, validators=[http_url]), max_length=10
        )
        avatar_url = serializers.URLField(max_length=500, allow_blank=True, validators=[http_url])
        portfolio_visibility = serializers.ChoiceField(choices=User.PortfolioVisibility.choices)

        def validate_username(self, value: str | None) -> str | None:
            if value is None:
                return None
            value = value.lower()
            username_validate(value)
            return value

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            ref_name = "Profile"
            model = User
            fields = [
                "email",
                "name",
                "username",
                "headline",
                "bio",
                "links",
                "avatar_url",
                "portfolio_visibility",
            ]
            read_only_fields = fields

    @extend_schema(operation_id="user_profile", responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(student_of(request)).data)

    @extend_schema(
        operation_id="user_profile_update",
        request=InputSerializer,
        responses={200: OutputSerializer, 409: ErrorSerializer},
    )
    def patch(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = profile_update(user=student_of(request), **serializer.validated_data)
        return Response(self.OutputSerializer(user).data)
