"""The admin API's contract held still: every /api/admin/ operation of the generated OpenAPI
document (parameters, request body, response statuses and shapes, summary) equals the one
recorded in admin_operations_before.json before the admin API moved onto viewsets. References are
resolved, so renaming a component changes nothing here; operation ids are left out.

After a deliberate change to the admin API, rewrite the record with
`python -m tests.guru.test_admin_operations` and review its diff."""

import json
from pathlib import Path
from typing import Any

import django

RECORD = Path(__file__).with_name("admin_operations_before.json")
PREFIX = "/api/admin/"


def _resolved(node: Any, components: dict[str, Any], trail: tuple[str, ...] = ()) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in trail:  # a recursive shape: name the cycle instead of unrolling it
                return {"$cycle": trail.index(name)}
            return _resolved(components[name], components, (*trail, name))
        return {key: _resolved(value, components, trail) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(item, components, trail) for item in node]
    return node


def admin_operations() -> dict[str, Any]:
    """ "METHOD path" -> the operation without its id, every reference resolved."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]
    found = {}
    for path, operations in schema["paths"].items():
        if not path.startswith(PREFIX):
            continue
        for method, operation in operations.items():
            kept = {key: value for key, value in operation.items() if key != "operationId"}
            found[f"{method.upper()} {path}"] = _resolved(kept, components.get("schemas", {}))
    # Security schemes are referenced by name; hold what each name means as well.
    found["securitySchemes"] = components.get("securitySchemes", {})
    return found


def test_the_admin_operations_are_the_recorded_ones():
    recorded = json.loads(RECORD.read_text())
    live = json.loads(json.dumps(admin_operations()))
    assert sorted(live) == sorted(recorded)
    for key in recorded:
        assert live[key] == recorded[key], key


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    # One operation a line, so a review of the record's diff names the operations it changes.
    lines = [
        f"{json.dumps(key)}: {json.dumps(value, sort_keys=True)}"
        for key, value in sorted(admin_operations().items())
    ]
    RECORD.write_text("{\n" + ",\n".join(lines) + "\n}\n")
