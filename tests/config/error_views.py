"""Views that fail on purpose, mounted only by the envelope tests (never in config.urls)."""

from django.db import OperationalError
from django.urls import include, path
from django_ratelimit.decorators import ratelimit
from psycopg.errors import LockNotAvailable
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import Forbidden
from config.ratelimit import rate_limit


class EchoInput(serializers.Serializer):
    email = serializers.EmailField()
    count = serializers.IntegerField(min_value=1)


class EchoView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def post(self, request):
        data = EchoInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data)


class PrivateView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"ok": True})


class ForbiddenView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise Forbidden("Admins only.", code="admin_only")


class LimitedView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request):
        rate_limit(request, group="test:limited", key="everyone", rate="2/m")
        return Response({"ok": True})


class DecoratorLimitedView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @staticmethod
    def _limited(request):
        return Response({"ok": True})

    def get(self, request):
        return ratelimit(key="ip", rate="1/m", group="test:decorated")(self._limited)(request)


class BrokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request):
        raise RuntimeError("internal detail: postgres://user:hunter2@db/prod")


class LockTimeoutView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request):
        # What Django raises when PostgreSQL's lock_timeout expires during a statement.
        raise OperationalError("canceling statement due to lock timeout") from LockNotAvailable()


urlpatterns = [
    path("api/test/echo", EchoView.as_view()),
    path("api/test/private", PrivateView.as_view()),
    path("api/test/forbidden", ForbiddenView.as_view()),
    path("api/test/limited", LimitedView.as_view()),
    path("api/test/decorated", DecoratorLimitedView.as_view()),
    path("api/test/broken", BrokenView.as_view()),
    path("api/test/lock-timeout", LockTimeoutView.as_view()),
    path("", include("config.urls")),
]
handler404 = "config.exception_handler.not_found"
handler500 = "config.exception_handler.server_error"
