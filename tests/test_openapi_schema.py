"""The generated OpenAPI schema: valid, offline docs, and the API conforms to it.

The schemathesis run covers every operation in the schema, so each new endpoint joins it.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from config.openapi_summaries import OPERATION_SUMMARIES

pytestmark = pytest.mark.django_db


# pytest-django has set Django up before collection; generating the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.mark.schemathesis
@pytest.mark.usefixtures("guru_in_process")
@schema.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case):
    # Default checks: no 5xx, every status/content type/header/body documented and valid.
    case.call_and_validate()


def test_schema_is_openapi_3_json(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/health" in document["paths"]


def test_docs_page_loads_its_assets_locally(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert (
        client.get(
            "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
        ).status_code
        == 200
    )


def _operations(client) -> dict[str, dict]:
    document = client.get("/api/schema/?format=json").json()
    return {
        operation["operationId"]: operation
        for operations in document["paths"].values()
        for operation in operations.values()
    }


def test_every_operation_has_a_summary(client):
    operations = _operations(client)
    assert len(operations) > 100
    assert [name for name, op in operations.items() if not op.get("summary", "").strip()] == []


def test_the_summary_table_holds_only_operations_that_exist_and_lack_their_own(client):
    operations = _operations(client)
    assert set(OPERATION_SUMMARIES) - set(operations) == set()
    # A view's own extend_schema summary wins, so an entry it hides would be dead text.
    hidden = [
        name for name, text in OPERATION_SUMMARIES.items() if operations[name]["summary"] != text
    ]
    assert hidden == []


def test_the_root_sends_a_browser_to_the_docs(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/api/docs/"


def test_api_answers_a_small_index(client):
    response = client.get("/api/")
    assert response.status_code == 200
    assert response.json() == {
        "name": "OurShiksha API",
        "docs": "/api/docs/",
        "schema": "/api/schema/",
        "health": "/api/health",
        "systems": ["guru", "shishya"],
    }
    assert client.get(response.json()["docs"]).status_code == 200
    assert client.get(response.json()["schema"]).status_code == 200
