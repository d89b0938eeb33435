"""One error list per app: every ApiError subclass lives in config/errors.py or its app's
errors.py, and each code is defined by one class with one status, so a client can act on a
code without asking which module answered."""

import ast
from collections import defaultdict
from pathlib import Path

from django.conf import settings

from config.errors import IdempotencyKeyReused
from tests.config.error_classes import APPS, project_errors

ERROR_MODULES = {f"{app}.errors" for app in APPS}
ROOT = Path(settings.BASE_DIR)


def test_every_error_class_lives_in_an_errors_module():
    elsewhere = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in project_errors()
        if cls.__module__ not in ERROR_MODULES
    )
    assert elsewhere == []


def test_each_code_is_defined_once_with_one_status():
    defined_by = defaultdict(list)
    statuses = defaultdict(set)
    for cls in project_errors():
        statuses[cls.code].add(cls.status_code)
        if "code" in vars(cls):
            defined_by[cls.code].append(f"{cls.__module__}.{cls.__qualname__}")
    assert {code: sorted(where) for code, where in defined_by.items() if len(where) > 1} == {}
    assert {code: found for code, found in statuses.items() if len(found) > 1} == {}


def test_a_reused_idempotency_key_is_422_from_one_class():
    reused = [cls for cls in project_errors() if cls.code == "idempotency_key_reused"]
    assert reused == [IdempotencyKeyReused]
    assert IdempotencyKeyReused.status_code == 422


def _codes_written_where_raised(error_names: set[str]) -> list[str]:
    """Calls of an error class that spell out a code (`NotFound(..., code="x")`): such a code
    is defined at the raise site, out of reach of the walk above. A code taken from another
    service's answer (a variable) is relayed, not defined, and is left alone."""
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call):
                    continue
                called = node.func
                name = (
                    called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
                )
                if name in error_names and any(
                    kw.arg == "code" and isinstance(kw.value, ast.Constant) for kw in node.keywords
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return found


def test_no_code_is_written_at_a_raise_site():
    assert _codes_written_where_raised({cls.__name__ for cls in project_errors()}) == []
