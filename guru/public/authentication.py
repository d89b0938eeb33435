"""X-API-Key authentication for Guru's public API, and its scopes."""

import re
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from config.keyed_hash import keyed_hash_candidates
from guru.errors import (
    ApiKeyExpired,
    ApiKeyInvalid,
    ApiKeyMissing,
    ApiKeyRevoked,
    ApiKeyScopeMissing,
)
from guru.models import ApiKey
from guru.services.api_keys import HASH_PURPOSE

HEADER = "X-API-Key"
_KEY_SHAPE = re.compile(r"^ais_[0-9a-f]{64}$")
# Last use is recorded at most this often per key: a write per request would cost more
# than the read it records.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyCaller:
    """request.user on the public API: a server holding a key, never a person."""

    is_authenticated = True
    is_active = True

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key
        self.pk = None


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ApiKeyCaller, ApiKey]:
        plain = request.headers.get(HEADER, "")
        if not plain:
            raise ApiKeyMissing()
        if not _KEY_SHAPE.match(plain):
            raise ApiKeyInvalid()
        api_key = ApiKey.objects.filter(
            key_hash__in=keyed_hash_candidates(plain, purpose=HASH_PURPOSE)
        ).first()
        if api_key is None:
            raise ApiKeyInvalid()
        if api_key.revoked_at is not None:
            raise ApiKeyRevoked()
        if api_key.is_expired:
            raise ApiKeyExpired()
        now = timezone.now()
        if api_key.last_used_at is None or api_key.last_used_at < now - LAST_USED_RESOLUTION:
            ApiKey.objects.filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION),
                pk=api_key.pk,
            ).update(last_used_at=now)
        return ApiKeyCaller(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return HEADER


class HasCatalogScope(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        if not isinstance(request.auth, ApiKey) or not request.auth.has_scope("catalog"):
            raise ApiKeyScopeMissing()
        return True


def has_grading_scope(request: Request) -> bool:
    return isinstance(request.auth, ApiKey) and request.auth.has_scope(ApiKey.Scope.GRADING)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "guruApiKey"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": HEADER}
