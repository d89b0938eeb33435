"""GET /api/health: whether this process can reach its database and cache, and whether it
is serving stale Guru data."""

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

from config.errors import ServiceUnavailable, UnavailableReason
from shishya.guru_client import guru_degraded

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
        # Guru being down degrades the student side (stale copies) but does not fail it.
        # Its state is kept in the cache, so it is unknown while the cache is down.
        if checks["cache"] == "ok":
            checks["guru"] = "degraded" if guru_degraded() else "ok"
        else:
            checks["guru"] = "unknown"
        if failed:
            raise ServiceUnavailable(
                f"Failed health checks: {', '.join(failed)}.",
                code="unhealthy",
                reason=UnavailableReason.CHECK_FAILED,
                details={"checks": checks},
            )
        status = "degraded" if checks["guru"] != "ok" else "ok"
        return Response({"status": status, "checks": checks})
