"""The student signup API: signup, resend-otp, verify-otp (/api/auth/)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_common import (
    AnonymousView,
    MessageOutputSerializer,
    UserOutputSerializer,
    code_checked,
    code_sent,
    send_request_input,
    signed_in,
    valid_input,
)
from accounts.signup.services import signup_otp_resend, signup_verify, student_signup
from config.serializers import StrictSerializer


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
        data = send_request_input(request, self.InputSerializer)
        student_signup(request=request, **data)
        return code_sent()


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
        data = valid_input(request, self.InputSerializer)
        user = code_checked(
            request,
            lambda: signup_verify(request=request, email=data["email"], code=data["otp"]),
        )
        return signed_in(request, user)


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
        data = send_request_input(request, self.InputSerializer)
        signup_otp_resend(request=request, email=data["email"])
        return code_sent()
