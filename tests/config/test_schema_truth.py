"""The schema says what the server does. Both walks below cover every operation of the
generated schema, so an endpoint added later is checked without editing this file."""

from collections.abc import Iterator
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers

from config.serializers import StrictInput

UNKNOWN = "not_a_field_of_this_api"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "put", "post", "patch", "delete", "head", "options"):
                yield path, method, operation


def _object_schemas(node: Any, components: dict[str, Any], seen: set[str]) -> Iterator[dict]:
    """Every object schema with declared properties reachable from node (refs followed)."""
    if isinstance(node, list):
        for item in node:
            yield from _object_schemas(item, components, seen)
        return
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from _object_schemas(components[name], components, seen)
        return
    if node.get("properties"):
        yield node
    for key, value in node.items():
        if key != "additionalProperties" or isinstance(value, dict):
            yield from _object_schemas(value, components, seen)


def test_every_request_body_says_unknown_fields_are_refused(schema):
    components = schema["components"]["schemas"]
    open_bodies = []
    bodies = 0
    for path, method, operation in _operations(schema):
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            for node in _object_schemas(content["schema"], components, set()):
                bodies += 1
                if node.get("additionalProperties") is not False:
                    open_bodies.append((method, path, media_type, sorted(node["properties"])))
    assert bodies > 30, "the walk found too few request bodies"
    assert not open_bodies


def _request_serializers() -> Iterator[tuple[str, str, serializers.Serializer]]:
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    for path, _, method, view in generator._get_paths_and_endpoints():
        if method not in ("POST", "PUT", "PATCH"):
            continue
        found = view.schema.get_request_serializer()
        if isinstance(found, serializers.BaseSerializer | type):
            yield path, method, force_instance(found)


def _nested(serializer: serializers.BaseSerializer) -> Iterator[serializers.BaseSerializer]:
    if isinstance(serializer, serializers.ListSerializer):
        yield from _nested(serializer.child)
        return
    if not isinstance(serializer, serializers.Serializer):
        return
    yield serializer
    for field in serializer.fields.values():
        if isinstance(field, serializers.BaseSerializer) and not field.read_only:
            yield from _nested(field)


@pytest.mark.django_db
def test_every_request_serializer_refuses_unknown_fields():
    walked, lenient = 0, []
    for path, method, serializer in _request_serializers():
        walked += 1
        for part in _nested(serializer):
            if not isinstance(part, StrictInput):
                lenient.append((method, path, type(part).__name__))
        refusal = type(serializer)(data={UNKNOWN: 1})
        if refusal.is_valid() or UNKNOWN not in refusal.errors:
            lenient.append((method, path, "accepted an unknown field"))
    assert walked > 30, "the walk found too few request bodies"
    assert not lenient


def test_every_idempotency_key_header_states_the_format_the_server_checks(schema):
    from wallet.idempotency import KEY_PATTERN

    headers = [
        (method, path, parameter)
        for path, method, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "header" and parameter["name"].lower() == "idempotency-key"
    ]
    assert len(headers) >= 5
    for method, path, parameter in headers:
        assert parameter["required"] is True, (method, path)
        expected = (
            KEY_PATTERN if not path.startswith("/api/admin/") else KEY_PATTERN.replace("200", "100")
        )
        assert parameter["schema"]["pattern"] == expected, (method, path)


def test_the_razorpay_webhook_is_in_the_schema_with_its_signature_header(schema):
    operation = schema["paths"]["/api/payments/webhook"]["post"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["X-Razorpay-Signature"]["required"] is True
    assert "200" in operation["responses"]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Profile", "avatar_url"),
        ("SubmissionOutput", "live_url"),
        ("CourseOutput", "thumbnail_url"),
    ],
)
def test_urls_that_may_be_blank_say_so(schema, component, field):
    """A blank URL field answers "", which "format: uri" alone would call invalid."""
    definition = schema["components"]["schemas"][component]["properties"][field]
    branches = definition.get("oneOf", [])
    assert {"type": "string", "maxLength": 0} in branches
    assert any(branch.get("format") == "uri" for branch in branches)
