"""The student password API (/api/auth/password/): forgot, reset, change."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_common import (
    AnonymousView,
    MessageOutputSerializer,
    StudentView,
    UserOutputSerializer,
    code_checked,
    code_sent,
    send_request_input,
    signed_in,
    valid_input,
)
from accounts.passwords.services import password_change, password_reset, password_reset_request
from accounts.permissions import student_of
from config.ratelimit import rate_limit
from config.serializers import StrictSerializer


class PasswordForgotView(AnonymousView):
    class InputSerializer(StrictSerializer):
        class Meta:
            ref_name = "PasswordForgotInput"

        email = serializers.EmailField(max_length=254)

    @extend_schema(
        operation_id="auth_password_forgot",
        request=InputSerializer,
        responses={202: MessageOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = send_request_input(request, self.InputSerializer)
        password_reset_request(request=request, email=data["email"])
        return code_sent()


class PasswordResetView(AnonymousView):
    class InputSerializer(StrictSerializer):
        class Meta:
            ref_name = "PasswordResetInput"

        email = serializers.EmailField(max_length=254)
        otp = serializers.RegexField(r"^[0-9]{6}$", max_length=6)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(
        operation_id="auth_password_reset",
        request=InputSerializer,
        responses={200: UserOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid_input(request, self.InputSerializer)
        user = code_checked(
            request,
            lambda: password_reset(
                request=request,
                email=data["email"],
                code=data["otp"],
                new_password=data["new_password"],
            ),
        )
        return signed_in(request, user)


class PasswordChangeView(StudentView):
    class InputSerializer(StrictSerializer):
        class Meta:
            ref_name = "PasswordChangeInput"

        current_password = serializers.CharField(max_length=128, trim_whitespace=False)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(
        operation_id="auth_password_change", request=InputSerializer, responses={204: None}
    )
    def post(self, request: Request) -> Response:
        rate_limit(
            request,
            group="auth.password_change:user",
            key=str(student_of(request).pk),
            rate=settings.AUTH_PASSWORD_CHANGE_RATE,
        )
        data = valid_input(request, self.InputSerializer)
        password_change(request=request, **data)
        return Response(status=204)
