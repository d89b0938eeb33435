from datetime import timedelta

import pytest
from django.utils import timezone

from guru.models import AdminAuditLog, ApiKey

pytestmark = pytest.mark.django_db


def issue(api, **body):
    return api.post(
        "/api/admin/api-keys", {"name": "shishya", "scopes": ["catalog"], **body}, format="json"
    )


def test_issue_shows_the_key_once_and_stores_only_its_hash(api, client):
    response = issue(api, scopes=["catalog", "grading"])
    assert response.status_code == 201, response.content
    key = response.json()["key"]
    assert key.startswith("ais_") and len(key) == 68
    stored = ApiKey.objects.get()
    assert key not in stored.key_hash and stored.scopes == ["catalog", "grading"]
    listed = api.get("/api/admin/api-keys").json()["results"]
    assert listed[0]["prefix"] == key[:12] and "key" not in listed[0]
    assert client.get("/api/public/pricing", HTTP_X_API_KEY=key).status_code == 200


def test_issue_and_revoke_are_audited_without_the_hash(api, admin):
    key = issue(api).json()
    api.post(f"/api/admin/api-keys/{key['id']}/revoke")
    created, revoked = AdminAuditLog.objects.filter(entity_type="API_KEY").order_by("id")
    assert (created.action_type, revoked.action_type) == ("CREATE", "UPDATE")
    assert created.admin_id == admin.pk and created.entity_id == key["id"]
    assert "key_hash" not in created.changes and key["key"] not in str(created.changes)
    assert revoked.changes["revoked_at"]["old"] is None


def test_revoked_key_stops_working_at_once_and_revoking_twice_changes_nothing(api, client):
    key = issue(api).json()
    first = api.post(f"/api/admin/api-keys/{key['id']}/revoke").json()
    again = api.post(f"/api/admin/api-keys/{key['id']}/revoke").json()
    assert first["revoked_at"] == again["revoked_at"] is not None
    assert AdminAuditLog.objects.filter(entity_type="API_KEY", action_type="UPDATE").count() == 1
    response = client.get("/api/public/pricing", HTTP_X_API_KEY=key["key"])
    assert response.status_code == 403 and response.json()["error"]["code"] == "api_key_revoked"


def test_expiry_is_honoured(api, client):
    expires = (timezone.now() - timedelta(minutes=1)).isoformat()
    key = issue(api, expires_at=expires).json()["key"]
    response = client.get("/api/public/pricing", HTTP_X_API_KEY=key)
    assert response.json()["error"]["code"] == "api_key_expired"


@pytest.mark.parametrize(
    "body", [{"scopes": []}, {"scopes": ["admin"]}, {"name": ""}, {"expires_at": "soon"}]
)
def test_bad_input_is_400_and_writes_nothing(api, body):
    response = issue(api, **body)
    assert response.status_code == 400
    assert not ApiKey.objects.exists() and not AdminAuditLog.objects.exists()


def test_unknown_key_id_is_404(api):
    assert api.post("/api/admin/api-keys/999/revoke").status_code == 404


def test_students_cannot_issue_keys(api, student):
    api.force_authenticate(user=student)
    assert issue(api).status_code == 403
