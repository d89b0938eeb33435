"""Guru's content version: bumped in the transaction of every write (admin API and admin
site alike), served tiny and ETag'd to the student side; and the one action catalogue."""

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from config.priced_actions import CHARGED_AT, PricedAction
from guru.models import AdminAuditLog, ContentVersion
from tests.guru.catalogue import api_key
from tests.guru.test_audit import ADMIN_SITE_ENTITIES
from tests.guru.test_content_api import ENTITIES

pytestmark = pytest.mark.django_db


def version() -> int:
    row = ContentVersion.objects.filter(pk=1).first()
    return row.version if row else 1


@pytest.mark.parametrize(
    ("entity", "path", "create", "update"), ENTITIES, ids=[e[0] for e in ENTITIES]
)
def test_every_admin_api_write_bumps_the_version(api, parents, entity, path, create, update):
    before = version()
    created = api.post(f"/api/admin/{path}", create(parents), format="json")
    assert created.status_code == 201, created.json()
    assert version() == before + 1
    entity_id = created.json()["id"]
    updated = api.put(f"/api/admin/{path}/{entity_id}", update(parents), format="json")
    assert updated.status_code == 200
    assert version() == before + 2
    assert api.delete(f"/api/admin/{path}/{entity_id}").status_code == 204
    assert version() == before + 3


def test_publish_unpublish_pricing_and_settings_bump_the_version(api, course, lesson):
    before = version()
    assert api.post(f"/api/admin/course/{course.pk}/publish").status_code == 200
    assert api.post(f"/api/admin/course/{course.pk}/unpublish").status_code == 200
    pricing = {"course_id": course.pk, "credit_cost": 60, "is_free": False}
    assert api.post("/api/admin/course/pricing", pricing, format="json").status_code == 200
    settings_now = api.get("/api/admin/settings").json()
    settings_now.pop("updated_at")
    settings_now["welcome_credits"] = 100
    assert api.put("/api/admin/settings", settings_now, format="json").status_code == 200
    assert version() == before + 4


@pytest.mark.parametrize(
    ("entity", "model", "add", "change"),
    ADMIN_SITE_ENTITIES,
    ids=[e[0] for e in ADMIN_SITE_ENTITIES],
)
def test_every_admin_site_write_bumps_the_version(
    site, course, module, test_, project, entity, model, add, change
):
    fixtures = {"course": course, "module": module, "test_": test_, "project": project}
    base = f"/guru/admin/guru/{model}"
    before = version()
    assert site.post(f"{base}/add/", add(fixtures)).status_code == 302
    assert version() == before + 1
    created = AdminAuditLog.objects.get(entity_type=entity, action_type="CREATE")
    model_id = created.entity_id
    assert site.post(f"{base}/{model_id}/change/", change(fixtures)).status_code == 302
    assert site.post(f"{base}/{model_id}/delete/", {"post": "yes"}).status_code == 302
    assert version() == before + 3


def test_a_refused_write_leaves_the_version_alone(api):
    before = version()
    refused = api.post("/api/admin/credit-pack", {"name": "x", "credits": 0}, format="json")
    assert refused.status_code == 400
    assert version() == before


@pytest.mark.django_db(transaction=True)
def test_the_bump_commits_with_the_write_and_never_before(api, course):
    before = version()
    with pytest.raises(RuntimeError), transaction.atomic():
        api.post(f"/api/admin/course/{course.pk}", {"title": "x"}, format="json")
        api.put(f"/api/admin/course/{course.pk}", {"title": "New", "credit_cost": 1}, format="json")
        raise RuntimeError("the write's transaction fails")
    assert version() == before


def test_the_public_version_is_tiny_and_etagged():
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key("catalog"))
    first = client.get("/api/public/version")
    assert first.status_code == 200 and first.json() == {"version": version()}
    again = client.get("/api/public/version", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert APIClient().get("/api/public/version").status_code == 401


@pytest.mark.parametrize("action", ["test_attempt", "project_submission", "teleport"])
def test_guru_refuses_a_price_for_an_action_the_student_side_never_charges(api, action):
    response = api.post(
        "/api/admin/pricing/action", {"action": action, "credits": 5}, format="json"
    )
    assert response.status_code == 400
    assert "action" in response.json()["error"]["fields"]


def test_the_action_catalogue_is_the_public_contract_and_documents_where_each_is_charged(client):
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert set(schema["ActionEnum"]["enum"]) == set(PricedAction.values) == set(CHARGED_AT)
    described = schema["ActionPriceCreateRequest"]["properties"]["action"]["description"]
    assert all(f"`{action}`" in described for action in PricedAction.values)
