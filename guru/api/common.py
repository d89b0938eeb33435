"""What every admin API view shares: parsing input, documenting conflicts."""

from typing import Any

from django.db.models import Model
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.validators import UniqueValidator

from config.openapi import ErrorSerializer
from config.serializers import StrictModelSerializer

# Statuses beyond config.openapi's common ones: a second row where a unique rule allows one
# (already_exists, naming the row to update), a write that lost a race, content in use,
# a course in the wrong state.
CONFLICT = {409: ErrorSerializer}


class AdminModelSerializer(StrictModelSerializer):
    """Input shape and field checks; the model's own validation (full_clean in the
    service) decides uniqueness and cross-field rules, for the admin site too. So neither
    DRF's unique-together validators nor its per-field UniqueValidator run here: a second
    row where one is allowed is the service's 409 naming the row to update, not a 400."""

    class Meta:
        validators: list = []

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        kwargs["validators"] = [
            validator
            for validator in kwargs.get("validators", [])
            if not isinstance(validator, UniqueValidator)
        ]
        return field_class, kwargs


def parse_body(
    serializer_class: type[serializers.Serializer],
    request: Request,
    *,
    instance: Model | None = None,
) -> dict[str, Any]:
    serializer = serializer_class(instance=instance, data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def parse_query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
