"""OpenAPI generation: every operation documents the error envelope it can answer with."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

from config.serializers import StrictInput


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable snake_case error code.")
    message = serializers.CharField()
    fields = serializers.DictField(required=False, help_text="Field name -> messages.")
    details = serializers.DictField(required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# Statuses any operation may answer with, through the shared plumbing (auth, parsing,
# routing, rate limits, content negotiation, an upstream outage).
COMMON_ERROR_STATUSES = ("400", "401", "403", "404", "405", "406", "415", "429", "503")


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status in COMMON_ERROR_STATUSES:
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    ErrorSerializer, status, direction=direction
                )
        return responses

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictInput):
            # The server refuses fields these do not declare: the schema says so.
            schema["additionalProperties"] = False
        return schema


class StudentSessionScheme(SessionScheme):
    """Documents our session authenticator as the session cookie, like DRF's own."""

    target_class = "config.authentication.SessionAuthentication"
