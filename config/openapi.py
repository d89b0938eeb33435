"""OpenAPI generation: every operation documents the error envelope it can answer with, and
has a summary."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

from config.errors import UnavailableReason
from config.openapi_summaries import OPERATION_SUMMARIES


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable snake_case error code.")
    message = serializers.CharField()
    fields = serializers.DictField(required=False, help_text="Field name -> messages.")
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


class AutoSchema(SpectacularAutoSchema):
    def get_summary(self) -> str | None:
        return super().get_summary() or OPERATION_SUMMARIES.get(self.get_operation_id())

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status in COMMON_ERROR_STATUSES:
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    ErrorSerializer, status, direction=direction
                )
        return responses


class StudentSessionScheme(SessionScheme):
    """Documents our session authenticator as the session cookie, like DRF's own."""

    target_class = "config.authentication.SessionAuthentication"
