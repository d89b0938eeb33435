"""Every "unavailable" answer (502, 503, 504) carries `details.reason` from one vocabulary,
whichever service failed: found by walking every such error class and every place one is
raised, so an error added later is held to it too."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from config.errors import (
    ApiError,
    ServiceUnavailable,
    UnavailableReason,
    UpstreamError,
    UpstreamTimeout,
)
from tests.config.error_classes import APPS, import_everything, subclasses

ROOT = Path(settings.BASE_DIR)


def unavailable_classes() -> set[type[ApiError]]:
    import_everything()
    return {
        cls
        for base in (ServiceUnavailable, UpstreamError, UpstreamTimeout)
        for cls in {base, *subclasses(base)}
    }


def test_every_5xx_error_of_the_project_is_an_unavailable_error():
    import_everything()
    others = {
        cls.__name__
        for cls in subclasses(ApiError)
        if cls.status_code >= 500 and cls not in unavailable_classes()
    }
    # A 500 is our own fault (server_error), never an upstream's.
    assert others <= {"ServerError"}, others


@pytest.mark.parametrize("cls", sorted(unavailable_classes(), key=lambda c: c.__name__), ids=str)
def test_each_one_has_a_reason_from_the_vocabulary_or_demands_one(cls):
    if cls.reason is None:
        with pytest.raises(TypeError, match="needs a reason"):
            cls()
        error = cls(reason=UnavailableReason.UPSTREAM_DOWN)
    else:
        error = cls()
    assert error.details["reason"] in {reason.value for reason in UnavailableReason}


def _raise_sites_without_a_reason(names: set[str]) -> list[str]:
    missing = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                    continue
                called = node.exc.func
                name = (
                    called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
                )
                if name in names and not any(kw.arg == "reason" for kw in node.exc.keywords):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return missing


def test_every_raise_of_an_error_without_a_fixed_reason_names_one():
    needs_one = {cls.__name__ for cls in unavailable_classes() if cls.reason is None}
    assert "TutorUnavailable" in needs_one and "LabRunnerUnavailable" in needs_one
    assert _raise_sites_without_a_reason(needs_one) == []


def test_the_reason_comes_before_other_details_and_cannot_be_made_up():
    error = UpstreamError(details={"attempt": 2})
    assert error.details == {"reason": "upstream_down", "attempt": 2}
    with pytest.raises(ValueError):
        ServiceUnavailable(reason="because")


def test_readme_documents_the_whole_vocabulary():
    readme = (ROOT / "README.md").read_text()
    assert all(f"`{reason.value}`" in readme for reason in UnavailableReason)
