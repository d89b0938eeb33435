"""OpenAPI generation: every operation documents the error envelope it can answer with, and
has a summary."""

from typing import Any, Literal

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from config.errors import UnavailableReason
from config.openapi_summaries import OPERATION_SUMMARIES
from config.serializers import StrictInput


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable snake_case error code.")
    message = serializers.CharField()
    # A declared field (DRF's metaclass moves it off the class): it shadows no Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        required=False, help_text="Field name -> messages."
    )
    details = serializers.DictField(
        required=False,
        help_text="More about the error. On 502, 503 and 504 always `reason`, one of: "
        + ", ".join(f"`{reason.value}`" for reason in UnavailableReason)
        + ".",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# Statuses any operation may answer with, through the shared plumbing (auth, parsing,
# routing, rate limits, content negotiation, an upstream outage).
COMMON_ERROR_STATUSES = ("400", "401", "403", "404", "405", "406", "415", "429", "503")
# Statuses of every operation that takes an Idempotency-Key: the first request with the key is
# still running (409), or the key came back with another request (422).
IDEMPOTENT_ERROR_STATUSES = ("409", "422")
IDEMPOTENCY_KEY_HEADER = "idempotency-key"


class AutoSchema(SpectacularAutoSchema):
    def get_summary(self) -> str | None:
        return super().get_summary() or OPERATION_SUMMARIES.get(self.get_operation_id())

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        statuses: tuple[str, ...] = COMMON_ERROR_STATUSES
        if self._takes_idempotency_key():
            statuses += IDEMPOTENT_ERROR_STATUSES
        for status in statuses:
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    ErrorSerializer, status, direction=direction
                )
        return responses

    def _takes_idempotency_key(self) -> bool:
        return any(
            isinstance(parameter, OpenApiParameter)
            and parameter.location == OpenApiParameter.HEADER
            and parameter.name.lower() == IDEMPOTENCY_KEY_HEADER
            for parameter in self.get_override_parameters()
        )

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if schema.get("format") == "uri" and _read_only_and_blankable(field):
            # As drf-spectacular says it of a writable field with allow_blank: "" stands for
            # no URL (an avatar, a live demo), which "format: uri" alone would refuse.
            return {"oneOf": [schema, {"type": "string", "maxLength": 0}]}
        return schema

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictInput):
            # The server refuses fields these do not declare: the schema says so.
            schema["additionalProperties"] = False
        return schema


def _read_only_and_blankable(field: serializers.Field) -> bool:
    """A read-only field of a model field with blank=True (DRF drops allow_blank from
    read-only fields, so the model field says whether "" comes out)."""
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    source = field.source  # a name (the stubs also allow a callable)
    if not field.read_only or model is None or not isinstance(source, str):
        return False
    if not source or "." in source:
        return False
    try:
        return bool(model._meta.get_field(source).blank)
    except FieldDoesNotExist:  # a property or a method
        return False


class StudentSessionScheme(SessionScheme):
    """Documents our session authenticator as the session cookie, like DRF's own."""

    target_class = "config.authentication.SessionAuthentication"
