"""The student sign-in API (/api/auth/): the CSRF token, login, who is signed in, logout here
or everywhere."""

from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_common import (
    AnonymousView,
    StudentView,
    UserOutputSerializer,
    signed_in,
    valid_input,
)
from accounts.errors import InvalidCredentials
from accounts.permissions import student_of
from accounts.signin.limits import login_failure_count, login_limits_check
from accounts.signin.services import session_logout, session_logout_everywhere, student_login
from accounts.validators import email_normalize
from config.serializers import StrictSerializer


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
        data = valid_input(request, self.InputSerializer)
        email = email_normalize(data["email"])
        login_limits_check(request, email=email)
        try:
            user = student_login(request=request, **data)
        except InvalidCredentials:
            login_failure_count(request, email=email)
            raise
        return signed_in(request, user)


class LogoutView(StudentView):
    @extend_schema(operation_id="auth_logout", request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        session_logout(request=request)
        return Response(status=204)


class LogoutEverywhereView(StudentView):
    @extend_schema(operation_id="auth_logout_everywhere", request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        session_logout_everywhere(request=request)
        return Response(status=204)


class MeView(StudentView):
    @extend_schema(operation_id="auth_me", responses={200: UserOutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(UserOutputSerializer(student_of(request)).data)
