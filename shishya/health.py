"""GET /api/health: whether this process can reach its database and its cache."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import ServiceUnavailable

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def _cache_ok() -> bool:
    probe = uuid.uuid4().hex
    try:
        cache.set("health:probe", probe, timeout=10)
        return cache.get("health:probe") == probe
    except Exception:
        logger.exception("health check: cache unreachable")
        return False


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="health",
        responses=inline_serializer(
            "Health",
            {
                "status": serializers.CharField(),
                "checks": serializers.DictField(child=serializers.CharField()),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        checks = {
            "database": "ok" if _database_ok() else "failed",
            "cache": "ok" if _cache_ok() else "failed",
        }
        failed = [name for name, state in checks.items() if state != "ok"]
        if failed:
            raise ServiceUnavailable(
                f"Failed health checks: {', '.join(failed)}.",
                code="unhealthy",
                details={"checks": checks},
            )
        return Response({"status": "ok", "checks": checks})
