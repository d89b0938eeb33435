"""The admin sign-in API: login (password), verify-otp (tokens), refresh, logout, password."""

from django.conf import settings
from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.client_ip import client_ip, client_source
from config.ratelimit import rate_limit
from config.serializers import StrictSerializer
from guru.admin_base import AdminAPIView
from guru.authentication import admin_session_of
from guru.fields import StrictCharField
from guru.models import AdminSession
from guru.permissions import admin_of
from guru.services.admin_auth import (
    admin_access_token_refresh,
    admin_login_start,
    admin_login_verify,
    admin_password_change,
    admin_session_end,
)
from guru.throttles import admin_auth_throttle
from guru.tokens import admin_tokens_issue

TAGS = ["admin auth"]


class AccessTokenOutput(serializers.Serializer):
    access = serializers.CharField()
    token_type = serializers.CharField(default="Bearer")
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")

    class Meta:
        ref_name = "AdminAccessToken"


def _access_token_body(access: str) -> dict:
    return {
        "access": access,
        "token_type": "Bearer",
        "expires_in": settings.ADMIN_ACCESS_TOKEN_MINUTES * 60,
    }


class AdminLoginApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(StrictSerializer):
        email = serializers.EmailField(max_length=254)
        password = StrictCharField(max_length=256, trim_whitespace=False)

        class Meta:
            ref_name = "AdminLoginInput"

    class OutputSerializer(serializers.Serializer):
        challenge_id = serializers.UUIDField()
        expires_in = serializers.IntegerField(help_text="Seconds the emailed code stays valid.")

        class Meta:
            ref_name = "AdminLoginOutput"

    @extend_schema(
        tags=TAGS,
        request=InputSerializer,
        responses={200: OutputSerializer},
        summary="Step 1: email and password; an admin gets a 6-digit code by email",
        description="The answer is the same whether or not the credentials are an admin's; "
        "no token is issued here.",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"]
        admin_auth_throttle(request, action="login", email=email)
        challenge_id = admin_login_start(email=email, password=data.validated_data["password"])
        return Response(
            self.OutputSerializer(
                {"challenge_id": challenge_id, "expires_in": settings.OTP_TTL_SECONDS}
            ).data
        )


class AdminVerifyOtpApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(StrictSerializer):
        challenge_id = serializers.UUIDField()
        email = serializers.EmailField(max_length=254)
        otp = StrictCharField(min_length=6, max_length=6, validators=[RegexValidator(r"^\d{6}$")])

        class Meta:
            ref_name = "AdminVerifyOtpInput"

    class OutputSerializer(AccessTokenOutput):
        refresh = serializers.CharField()

        class Meta:
            ref_name = "AdminVerifyOtpOutput"

    @extend_schema(
        tags=TAGS,
        request=InputSerializer,
        responses={200: OutputSerializer},
        summary="Step 2: the emailed code; opens an admin session and returns its tokens",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admin_auth_throttle(request, action="verify_otp", email=data.validated_data["email"])
        session = admin_login_verify(
            challenge_id=data.validated_data["challenge_id"],
            email=data.validated_data["email"],
            otp=data.validated_data["otp"],
            channel=AdminSession.Channel.API,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        tokens = admin_tokens_issue(session=session)
        body = {**_access_token_body(tokens.access), "refresh": tokens.refresh}
        return Response(self.OutputSerializer(body).data)


class AdminTokenRefreshApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(StrictSerializer):
        refresh = StrictCharField(max_length=4096)

        class Meta:
            ref_name = "AdminTokenRefreshInput"

    @extend_schema(
        tags=TAGS,
        request=InputSerializer,
        responses={200: AccessTokenOutput},
        summary="A new access token while the admin session lives",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rate_limit(
            request,
            group="admin_refresh:ip",
            key=client_source(request),
            rate=settings.ADMIN_REFRESH_RATE_PER_IP,
        )
        access = admin_access_token_refresh(refresh=data.validated_data["refresh"])
        return Response(AccessTokenOutput(_access_token_body(access)).data)


class AdminLogoutApi(AdminAPIView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={204: None},
        summary="End the session: its access and refresh tokens stop working at once",
    )
    def post(self, request: Request) -> Response:
        admin_session_end(session=admin_session_of(request), reason=AdminSession.EndReason.LOGOUT)
        return Response(status=204)


class AdminPasswordChangeApi(AdminAPIView):
    class InputSerializer(StrictSerializer):
        current_password = StrictCharField(max_length=256, trim_whitespace=False)
        new_password = StrictCharField(max_length=256, trim_whitespace=False)

        class Meta:
            ref_name = "AdminPasswordChangeInput"

    @extend_schema(
        tags=TAGS,
        request=InputSerializer,
        responses={204: None},
        summary="Change the admin's password; every session of the admin ends (sign in again)",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admin = admin_of(request)
        admin_auth_throttle(request, action="password", email=admin.email)
        admin_password_change(
            user=admin,
            current_password=data.validated_data["current_password"],
            new_password=data.validated_data["new_password"],
        )
        return Response(status=204)
