"""What the student auth and profile views share: their base views, the user and message they
answer with, input parsing, the per-source budgets on code sends and wrong codes, and the answer
to a sign-in."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import IsStudent
from accounts.signin.limits import signin_remember
from config.authentication import CsrfTokenRequired
from config.errors import ApiError, RateLimited
from config.ratelimit import source_limit, source_limit_check, source_limit_count, source_rate

CODE_SENT = "Check your inbox: if this address can receive a code, one is on its way."


class AnonymousView(APIView):
    """Endpoints used before logging in: open to all, but CSRF-protected like the rest."""

    permission_classes = [AllowAny, CsrfTokenRequired]


class StudentView(APIView):
    permission_classes = [IsStudent]


class UserOutputSerializer(serializers.ModelSerializer):
    class Meta:
        ref_name = "User"
        model = User
        fields = ["id", "email", "name", "username", "email_verified_at", "date_joined"]
        read_only_fields = fields


class MessageOutputSerializer(serializers.Serializer):
    message = serializers.CharField()


def valid_input(request: Request, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def send_request_input(
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
    return valid_input(request, serializer_class)


def code_checked(request: Request, check: Callable[[], User]) -> User:
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


def signed_in(request: Request, user: User) -> Response:
    """The answer to a successful sign-in: this browser and source become the account's."""
    response = Response(UserOutputSerializer(user).data)
    signin_remember(request, response, email=user.email)
    return response


def code_sent() -> Response:
    # One body for every address, known or not.
    return Response(MessageOutputSerializer({"message": CODE_SENT}).data, status=202)
