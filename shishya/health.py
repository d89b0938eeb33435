"""GET /api/health: whether this process can reach its database and cache, and whether Guru
answers (probed out of band, at most every GURU_PROBE_INTERVAL_SECONDS per deployment).
GET /api/health/live: liveness for the proxy, which never asks Guru."""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shishya.errors import Unhealthy
from shishya.guru_client import guru_probe

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


def _own_checks() -> dict[str, str]:
    return {
        "database": "ok" if _database_ok() else "failed",
        "cache": "ok" if _cache_ok() else "failed",
    }


def _unhealthy(checks: dict[str, str]) -> Unhealthy:
    failed = [name for name, state in checks.items() if state not in ("ok", "unknown")]
    return Unhealthy(f"Failed health checks: {', '.join(failed)}.", details={"checks": checks})


HEALTH_SCHEMA = inline_serializer(
    "Health",
    {
        "status": serializers.CharField(),
        "checks": serializers.DictField(child=serializers.CharField()),
    },
)


class HealthView(APIView):
    """Everything this deployment needs, Guru included: for monitoring, not for the proxy
    (Guru being away would take every student process out of rotation)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="health",
        description="200 when the database, the cache and Guru answer; otherwise 503 "
        "`unhealthy` with `details.checks` naming what failed (`guru`: `down`, or `unknown` "
        "while the cache, which holds the probe's result, is down). Guru is probed at most "
        "every GURU_PROBE_INTERVAL_SECONDS across all processes.",
        responses={200: HEALTH_SCHEMA},
    )
    def get(self, request: Request) -> Response:
        checks = _own_checks()
        if "shishya" in settings.SERVED_SYSTEMS:  # a Guru-only process reads no Guru
            checks["guru"] = guru_probe() if checks["cache"] == "ok" else "unknown"
        if any(state != "ok" for state in checks.values()):
            raise _unhealthy(checks)
        return Response({"status": "ok", "checks": checks})


class LivenessView(APIView):
    """For the reverse proxy: this process can serve (its database and cache answer). Guru is
    not asked, so a Guru outage leaves the student side up to serve what it can."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="health_live",
        description="200 while this process's database and cache answer, whatever Guru's "
        "state; 503 `unhealthy` otherwise.",
        responses={200: HEALTH_SCHEMA},
    )
    def get(self, request: Request) -> Response:
        checks = _own_checks()
        if any(state != "ok" for state in checks.values()):
            raise _unhealthy(checks)
        return Response({"status": "ok", "checks": checks})
