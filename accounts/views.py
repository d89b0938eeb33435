"""The student auth API (/api/auth/) and profile API (/api/user/): one view per operation."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.errors import InvalidCredentials
from accounts.models import User
from accounts.permissions import IsStudent, student_of
from accounts.signin_limits import login_failure_count, login_limits_check, signin_remember
from accounts.validators import http_url, username_validate
from config.authentication import CsrfTokenRequired
from config.errors import ApiError, RateLimited
from config.openapi import ErrorSerializer
from config.ratelimit import (
    rate_limit,
    source_limit,
    source_limit_check,
    source_limit_count,
    source_rate,
)
from config.serializers import StrictSerializer

CODE_SENT = "Check your inbox: if this address can receive a code, one is on its way."


def _valid_input(
    request: Request, serializer_class: type[serializers.Serializer]
) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _send_request_input(
    request: Request, serializer_class: type[serializers.Serializer]
) -> dict[str, Any]:
    """Counts a request that may email a code (signup, resend, forgot) against its source's
    budget, then validates it. Nothing here is kept per address: what protects an inbox
    (an hourly cap, skipped silently) lives in the services, so every address answers 202."""
    source_limit(
        request,
        group="auth.send",
        rate=source_rate(
            request,
            rate=settings.AUTH_SEND_RATE_PER_SOURCE,
            trusted_rate=settings.AUTH_SEND_RATE_PER_TRUSTED_SOURCE,
        ),
    )
    return _valid_input(request, serializer_class)


def _code_checked(request: Request, check: Callable[[], User]) -> User:
    """Runs a code check (signup verification, password reset) within its source's budget
    of wrong codes, which trusted networks do not raise; a refused code counts."""
    limit = {"group": "auth.code", "rate": settings.AUTH_CODE_FAILURE_RATE_PER_SOURCE}
    source_limit_check(request, **limit)
    try:
        return check()
    except ApiError as refusal:
        if not isinstance(refusal, RateLimited) and refusal.status_code < 500:
            source_limit_count(request, **limit)
        raise


def _signed_in(request: Request, user: User) -> Response:
    """The answer to a successful sign-in: this browser and source become the account's."""
    response = Response(UserOutputSerializer(user).data)
    signin_remember(request, response, email=user.email)
    return response


class UserOutputSerializer(serializers.ModelSerializer):
    class Meta:
        ref_name = "User"
        model = User
        fields = ["id", "email", "name", "username", "email_verified_at", "date_joined"]
        read_only_fields = fields


class MessageOutputSerializer(serializers.Serializer):
    message = serializers.CharField()


def _code_sent() -> Response:
    # One body for every address, known or not.
    return Response(MessageOutputSerializer({"message": CODE_SENT}).data, status=202)


class AnonymousView(APIView):
    """Endpoints used before logging in: open to all, but CSRF-protected like the rest."""

    permission_classes = [AllowAny, CsrfTokenRequired]


class StudentView(APIView):
    permission_classes = [IsStudent]


class CsrfTokenView(APIView):
    """Sets the CSRF cookie and returns the token, for the SPA's X-CSRFToken header.

    Login rotates the token: fetch it again after logging in."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CsrfToken"

        csrf_token = serializers.CharField()

    @extend_schema(operation_id="auth_csrf", responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer({"csrf_token": get_token(request)}).data)


class SignupView(AnonymousView):
    class InputSerializer(StrictSerializer):
        class Meta:
            ref_name = "SignupInput"

        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        name = serializers.CharField(max_length=150)

    @extend_schema(
        operation_id="auth_signup",
        request=InputSerializer,
        responses={202: MessageOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _send_request_input(request, self.InputSerializer)
        services.student_signup(request=request, **data)
        return _code_sent()


class VerifyOtpView(AnonymousView):
    class InputSerializer(StrictSerializer):
        class Meta:
            ref_name = "VerifyOtpInput"

        email = serializers.EmailField(max_length=254)
        otp = serializers.RegexField(r"^[0-9]{6}$", max_length=6)

    @extend_schema(
        operation_id="auth_verify_otp",
        request=InputSerializer,
        responses={200: UserOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _valid_input(request, self.InputSerializer)
        user = _code_checked(
            request,
            lambda: services.signup_verify(request=request, email=data["email"], code=data["otp"]),
        )
        return _signed_in(request, user)


class LoginView(AnonymousView):
    class InputSerializer(StrictSerializer):
        class Meta:
            ref_name = "LoginInput"

        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(
        operation_id="auth_login",
        request=InputSerializer,
        responses={200: UserOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _valid_input(request, self.InputSerializer)
        email = services.email_normalize(data["email"])
        login_limits_check(request, email=email)
        try:
            user = services.student_login(request=request, **data)
        except InvalidCredentials:
            login_failure_count(request, email=email)
            raise
        return _signed_in(request, user)


class ResendOtpView(AnonymousView):
    class InputSerializer(StrictSerializer):
        class Meta:
            ref_name = "ResendOtpInput"

        email = serializers.EmailField(max_length=254)

    @extend_schema(
        operation_id="auth_resend_otp",
        request=InputSerializer,
        responses={202: MessageOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _send_request_input(request, self.InputSerializer)
        services.signup_otp_resend(request=request, email=data["email"])
        return _code_sent()


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
        data = _send_request_input(request, self.InputSerializer)
        services.password_reset_request(request=request, email=data["email"])
        return _code_sent()


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
        data = _valid_input(request, self.InputSerializer)
        user = _code_checked(
            request,
            lambda: services.password_reset(
                request=request,
                email=data["email"],
                code=data["otp"],
                new_password=data["new_password"],
            ),
        )
        return _signed_in(request, user)


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
        data = _valid_input(request, self.InputSerializer)
        services.password_change(request=request, **data)
        return Response(status=204)


class LogoutView(StudentView):
    @extend_schema(operation_id="auth_logout", request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        services.session_logout(request=request)
        return Response(status=204)


class LogoutEverywhereView(StudentView):
    @extend_schema(operation_id="auth_logout_everywhere", request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        services.session_logout_everywhere(request=request)
        return Response(status=204)


class MeView(StudentView):
    @extend_schema(operation_id="auth_me", responses={200: UserOutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(UserOutputSerializer(student_of(request)).data)


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
        user = services.profile_update(user=student_of(request), **serializer.validated_data)
        return Response(self.OutputSerializer(user).data)
