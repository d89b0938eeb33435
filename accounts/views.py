"""The student auth API (/api/auth/) and profile API (/api/user/): one view per operation."""

from typing import Any

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
from accounts.permissions import IsStudent
from accounts.validators import http_url, username_validate
from config.authentication import CsrfTokenRequired
from config.client_ip import client_ip
from config.openapi import ErrorSerializer
from config.ratelimit import rate_limit, rate_limit_check, rate_limit_count
from config.serializers import StrictSerializer

# (per client IP, per email or user) for each action; the OTP service adds its own
# per-account limits (cooldown, attempts, daily failures) on top.
RATE_LIMITS = {
    "signup": ("10/h", "5/h"),
    "verify_otp": ("30/15m", "10/15m"),
    "login": ("30/15m", "10/15m"),
    "resend_otp": ("10/h", "5/h"),
    "password_forgot": ("10/h", "5/h"),
    "password_reset": ("30/15m", "10/15m"),
    "password_change": ("30/15m", "10/15m"),
}

CODE_SENT = "Check your inbox: if this address can receive a code, one is on its way."


def _limited_input(
    request: Request,
    serializer_class: type[serializers.Serializer],
    *,
    action: str,
    subject: str | None = None,
) -> dict[str, Any]:
    """Counts the request against the action's per-IP limit, validates its body, then
    counts it against the per-address (or per-user) limit."""
    ip_rate, subject_rate = RATE_LIMITS[action]
    rate_limit(request, group=f"auth.{action}:ip", key=client_ip(request), rate=ip_rate)
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    subject = subject or services.email_normalize(data["email"])
    rate_limit(request, group=f"auth.{action}:subject", key=subject, rate=subject_rate)
    return data


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
        data = _limited_input(request, self.InputSerializer, action="signup")
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
        data = _limited_input(request, self.InputSerializer, action="verify_otp")
        user = services.signup_verify(request=request, email=data["email"], code=data["otp"])
        return Response(UserOutputSerializer(user).data)


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
        ip_rate, email_rate = RATE_LIMITS["login"]
        rate_limit(request, group="auth.login:ip", key=client_ip(request), rate=ip_rate)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Per address, only wrong passwords count: a stranger's guesses can hold the
        # address for the window, but the student's own successful logins never do.
        limit = {"group": "auth.login:email", "key": services.email_normalize(data["email"])}
        rate_limit_check(request, **limit, rate=email_rate)
        try:
            user = services.student_login(request=request, **data)
        except InvalidCredentials:
            rate_limit_count(request, **limit, rate=email_rate)
            raise
        return Response(UserOutputSerializer(user).data)


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
        data = _limited_input(request, self.InputSerializer, action="resend_otp")
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
        data = _limited_input(request, self.InputSerializer, action="password_forgot")
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
        data = _limited_input(request, self.InputSerializer, action="password_reset")
        user = services.password_reset(
            request=request,
            email=data["email"],
            code=data["otp"],
            new_password=data["new_password"],
        )
        return Response(UserOutputSerializer(user).data)


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
        data = _limited_input(
            request,
            self.InputSerializer,
            action="password_change",
            subject=f"user:{request.user.pk}",
        )
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
        return Response(UserOutputSerializer(request.user).data)


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
        return Response(self.OutputSerializer(request.user).data)

    @extend_schema(
        operation_id="user_profile_update",
        request=InputSerializer,
        responses={200: OutputSerializer, 409: ErrorSerializer},
    )
    def patch(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.profile_update(user=request.user, **serializer.validated_data)
        return Response(self.OutputSerializer(user).data)
