"""The generated OpenAPI schema: valid, offline docs, and the API conforms to it.

The schemathesis run covers every operation in the schema, so each new endpoint joins it.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from shishya.guru_client import guru_client
from tests.fakes.wsgi_transport import WSGITransport
from tests.guru.catalogue import api_key

pytestmark = pytest.mark.django_db


# pytest-django has set Django up before collection; generating the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def keep_test_transaction_open():
    """Raw WSGI calls close "old" connections after each request, which would end the test's
    transaction; Django's own test client suspends this the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def guru_in_process(settings, keep_test_transaction_open):
    """The student side reads this process's own Guru (as in development), so routes that
    need Guru answer from it instead of a 503."""
    settings.GURU_BASE_URL = "http://testserver"
    settings.GURU_API_KEY = api_key("catalog", "grading")
    guru_client().session.mount("http://testserver", WSGITransport(get_wsgi_application()))


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
