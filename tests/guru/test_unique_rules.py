"""Every unique rule of Guru's models, met through the admin API: creating (or changing a row
into) a second one answers 409 `already_exists` naming the row to update, never 400."""

import pytest
from django.apps import apps
from django.db import models

from guru.models import ActionPrice, CreditPack, Lab, Lesson, Module, Plan, Question, Voucher
from tests.factories import ModuleFactory
from tests.guru.test_content_api import ENTITIES, audit_rows, error_of

pytestmark = pytest.mark.django_db

CREATE = {entity: (path, create) for entity, path, create, _ in ENTITIES}

# model -> the admin API entity whose create payload, sent twice, breaks the model's rule.
TWICE = {
    Module: "MODULE",
    Lesson: "LESSON",
    Lab: "LAB",
    Question: "QUESTION",
    ActionPrice: "PRICING",
    CreditPack: "CREDIT_PACK",
    Plan: "PLAN",
    Voucher: "VOUCHER",
}
# Unique rules no admin request can break, and why.
UNREACHABLE = {
    # POST /api/admin/certificate/rules sets the course's one rule (replaces it).
    ("CertificateRule", ("course",)),
    # Server-generated hashes of random keys.
    ("ApiKey", ("key_hash",)),
}


def unique_rules(model: type[models.Model]) -> list[tuple[str, ...]]:
    rules = [
        (field.name,)
        for field in model._meta.concrete_fields
        if field.unique and not field.primary_key
    ]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            rules.append(tuple(constraint.fields) or (constraint.name,))
    return rules


def test_every_unique_rule_of_guru_is_covered_here():
    found = {
        (model.__name__, rule)
        for model in apps.get_app_config("guru").get_models()
        for rule in unique_rules(model)
    }
    covered = {(model.__name__, rule) for model in TWICE for rule in unique_rules(model)}
    assert found == covered | UNREACHABLE


@pytest.mark.parametrize("model", TWICE, ids=[model.__name__ for model in TWICE])
def test_a_second_one_is_409_naming_the_one_to_update(api, course, module, lesson, test_, model):
    parents = {"course": course, "module": module, "lesson": lesson, "test_": test_}
    path, create = CREATE[TWICE[model]]
    first = api.post(f"/api/admin/{path}", create(parents), format="json")
    assert first.status_code == 201, first.json()
    rows, audited = model.objects.count(), len(audit_rows())
    second = api.post(f"/api/admin/{path}", create(parents), format="json")
    assert second.status_code == 409, second.json()
    error = error_of(second)
    assert error["code"] == "already_exists"
    assert error["details"]["existing_id"] == first.json()["id"]
    assert "update" in error["message"]
    assert (model.objects.count(), len(audit_rows())) == (rows, audited)


def test_changing_a_row_into_a_twin_is_409_too(api, course, module):
    other = ModuleFactory(course=course, title="Second", order=2)
    response = api.put(
        f"/api/admin/module/{other.pk}", {"title": "Second", "order": 1}, format="json"
    )
    assert response.status_code == 409
    assert error_of(response)["details"] == {
        "existing_id": module.pk,
        "fields": ["course_id", "order"],
    }
    other.refresh_from_db()
    assert other.order == 2


def test_other_mistakes_still_come_first_as_400(api):
    path, create = CREATE["PRICING"]
    api.post(f"/api/admin/{path}", create({}), format="json")
    response = api.post(f"/api/admin/{path}", {**create({}), "credits": -1}, format="json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid"
