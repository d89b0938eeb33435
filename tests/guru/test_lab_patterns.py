"""Admins write lab patterns in RE2's syntax: what RE2 cannot run is refused when it is saved
(the admin API and the Django admin site share the model's validator), and a migration
lists the labs saved before."""

import importlib

import pytest
from django.apps import apps

from guru.models import Lab
from tests.factories import LabFactory
from tests.guru.conftest import error_code

pytestmark = pytest.mark.django_db

LAB = {
    "title": "L",
    "order": 5,
    "language": "python",
    "instructions": "Do it.",
    "validation_type": "regex",
}
NOT_RE2 = {
    "backreference": r"(def)\s+\1",
    "lookahead": r"def\s+(?=main)",
    "negative lookbehind": r"(?<!_)print\(",
    "possessive": r"a++b",
    "too big to compile": r"((a{100}){100}){100}",
}


@pytest.mark.parametrize("pattern", NOT_RE2.values(), ids=NOT_RE2.keys())
def test_a_pattern_re2_cannot_run_is_refused_with_its_own_code(api, course, pattern):
    response = api.post(
        "/api/admin/lab",
        {"course_id": course.pk, **LAB, "expected_pattern": pattern},
        format="json",
    )
    assert response.status_code == 400
    assert error_code(response) == "regex_unsupported"
    assert "expected_pattern" in response.json()["error"]["fields"]
    assert not Lab.objects.exists()


def test_re2_patterns_with_classes_anchors_and_flags_are_accepted(api, course):
    pattern = r"(?i)^\s*def\s+(?P<name>[a-z_]\w*)\(\s*\):$"
    response = api.post(
        "/api/admin/lab",
        {"course_id": course.pk, **LAB, "expected_pattern": pattern},
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_the_migration_lists_labs_whose_pattern_re2_cannot_run(course, capsys):
    fields = {k: v for k, v in LAB.items() if k != "order"}
    good = LabFactory(course=course, order=1, expected_pattern=r"def\s+f", **fields)
    bad = LabFactory(course=course, order=2, expected_pattern=r"(a)\1", **fields)
    migration = importlib.import_module("guru.migrations.0009_lab_patterns_checked_for_re2")
    migration.lab_patterns_check(apps, None)
    listed = capsys.readouterr().out
    assert f"lab {bad.pk} " in listed and f"lab {good.pk} " not in listed
    assert Lab.objects.get(pk=bad.pk).expected_pattern == r"(a)\1"  # left for an admin to fix
