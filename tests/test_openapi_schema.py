"""The generated OpenAPI schema: valid, offline docs, and the API conforms to it.

The schemathesis runs cover every operation in the schema, so each new endpoint joins them:
as an anonymous caller, a signed-in student (session cookie and CSRF token) and an admin
(Bearer token); once with data the schema allows and once with hostile input (NUL bytes and
lone surrogates in every string of the body, NUL in every path and query parameter, JSON
nested deeper than the edge accepts). Every answer must be documented; none may be a 5xx.
"""

from typing import Any

import pytest
import schemathesis
from asgiref.sync import async_to_sync
from django.contrib.sessions.backends.db import SessionStore
from django.core.wsgi import get_wsgi_application
from django.test.utils import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from accounts.models import User
from config.openapi_summaries import OPERATION_SUMMARIES
from guru.models import AdminSession
from guru.tokens import admin_tokens_issue
from tests.factories import AdminFactory
from tests.fakes.judge0 import FakeJudge0
from tests.fakes.openai import API_KEY as OPENAI_API_KEY
from tests.fakes.openai import FakeOpenAI
from tests.fakes.razorpay import KEY_ID as RAZORPAY_KEY_ID
from tests.fakes.razorpay import KEY_SECRET as RAZORPAY_KEY_SECRET
from tests.fakes.razorpay import FakeRazorpay

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/schema/?format=json"
CSRF_TOKEN = "schemathesis0csrf0token0for0runs"  # 32 characters: Django's secret length
NUL, LONE_SURROGATE = "\x00", "\ud800"
# Deeper than config.input_guard.MAX_JSON_DEPTH; the decoder's own limit is tested on its own.
TOO_DEEP = 40

# pytest-django has set Django up before collection; generating the schema needs no database.
schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())
# What the schema allows: strings without NUL (PostgreSQL cannot store it; the edge refuses
# it, and the hostile runs below send it on purpose).
schema.config.generation.update(allow_x00=False)
# The same operations with hostile input put into schema-valid requests by the hooks below.
hostile = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())
hostile.config.generation.update(modes=[GenerationMode.POSITIVE])

BASE_RUN = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Rules the schema cannot state refuse valid-looking data with a documented 4xx (a signature
# over the raw body, an unknown course, a locked lab, a taken order), and lenient query
# parsing (a malformed page_size falls back to the default) accepts some invalid data.
CHECKS = {"excluded_checks": [positive_data_acceptance, negative_data_rejection]}
# Who may call what is walked route by route, with real credentials, in
# tests/test_route_identities.py; here schemathesis cannot tell the session cookie passed per
# call from a cookie it generated, and would expect a 401 for it.
AUTHENTICATED_CHECKS = {"excluded_checks": [*CHECKS["excluded_checks"], ignored_auth]}
# Hostile input: no 5xx, and the refusal is a documented status in the error envelope.
HOSTILE_CHECKS = {"checks": [not_a_server_error, status_code_conformance, content_type_conformance]}


@pytest.fixture(scope="module")
def providers():
    """Payments, the tutor's model and the lab runner configured against their local fakes,
    so no answer is the not-configured 503."""
    with (
        FakeRazorpay() as razorpay,
        FakeOpenAI() as openai,
        FakeJudge0() as judge0,
        override_settings(
            RAZORPAY_KEY_ID=RAZORPAY_KEY_ID,
            RAZORPAY_KEY_SECRET=RAZORPAY_KEY_SECRET,
            RAZORPAY_BASE_URL=razorpay.url,
            RAZORPAY_WEBHOOK_SECRET="schemathesis-webhook-secret",
            OPENAI_API_KEY=OPENAI_API_KEY,
            OPENAI_BASE_URL=f"{openai.url}/v1",
            OPENAI_MAX_RETRIES=0,
            JUDGE0_URL=judge0.url,
        ),
    ):
        yield


# --- Identities ----------------------------------------------------------------------------
def as_anonymous() -> dict[str, Any]:
    return {}


def as_student() -> dict[str, Any]:
    student, _ = User.objects.get_or_create(
        email="schemathesis.student@example.com",
        defaults={"name": "Student", "email_verified_at": timezone.now()},
    )
    session = SessionStore()
    session["_auth_user_id"] = str(student.pk)
    session["_auth_user_backend"] = "accounts.backends.UserBackend"
    session["_auth_user_hash"] = student.get_session_auth_hash()
    session.create()
    return {
        "cookies": {"sessionid": session.session_key, "csrftoken": CSRF_TOKEN},
        "headers": {"X-CSRFToken": CSRF_TOKEN},
    }


def as_admin() -> dict[str, Any]:
    admin = User.objects.filter(email="schemathesis.admin@example.com").first()
    if admin is None:
        admin = AdminFactory(
            email="schemathesis.admin@example.com",
            password="schemathesis-admin-password-1",
            name="Admin",
        )
    session = AdminSession.objects.create(
        user=admin, channel="api", credentials_version=admin.credentials_version
    )
    access = admin_tokens_issue(session=session).access
    return {"headers": {"Authorization": f"Bearer {access}"}}


# --- Hostile input -------------------------------------------------------------------------
def _with_text(value: Any, text: str) -> Any:
    """value with text appended to every string in it, keys included, at every depth."""
    if isinstance(value, str):
        return value + text
    if isinstance(value, dict):
        return {_with_text(key, text): _with_text(item, text) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_text(item, text) for item in value]
    return value


def _hostile_body(body: Any, kind: str) -> Any:
    if kind == "deep":
        nested: list = []
        for _ in range(TOO_DEEP):
            nested = [nested]
        return {**body, "nested": nested} if isinstance(body, dict) else nested
    text = NUL if kind == "nul" else LONE_SURROGATE
    poisoned = _with_text(body, text)
    if poisoned == body:  # nothing to poison (numbers, booleans): add a string that is
        return {**body, text: text} if isinstance(body, dict) else text
    return poisoned


@hostile.hook
def flatmap_body(context, body):
    if not isinstance(body, dict | list | str):  # an operation without a JSON body
        return st.just(body)
    return st.sampled_from(["nul", "surrogate", "deep"]).map(lambda kind: _hostile_body(body, kind))


@hostile.hook
def map_path_parameters(context, path_parameters):
    # A URL carries bytes: NUL travels as %00; a lone surrogate has no UTF-8 form to send.
    return {name: f"{value}{NUL}" for name, value in (path_parameters or {}).items()} or None


@hostile.hook
def map_query(context, query):
    poisoned = {name: f"{value}{NUL}" for name, value in (query or {}).items()}
    return poisoned or {"q": NUL}


# --- The runs ------------------------------------------------------------------------------
def conforms(case, identity: dict[str, Any], checks: dict[str, Any] = CHECKS) -> None:
    # Default checks: no 5xx, every status/content type/header/body documented and valid.
    case.call_and_validate(**identity, **checks)


@pytest.mark.schemathesis
@pytest.mark.usefixtures("guru_in_process", "shishya_in_process", "providers")
@schema.parametrize()
@settings(BASE_RUN, max_examples=10)
def test_api_conforms_to_its_schema(case):
    conforms(case, as_anonymous())


@pytest.mark.schemathesis
@pytest.mark.usefixtures("guru_in_process", "shishya_in_process", "providers")
@schema.parametrize()
@settings(BASE_RUN, max_examples=4)
def test_api_conforms_to_its_schema_for_a_student_and_an_admin(case):
    for identity in (as_student, as_admin):
        conforms(case, identity(), AUTHENTICATED_CHECKS)


@pytest.mark.schemathesis
@pytest.mark.usefixtures("guru_in_process", "shishya_in_process", "providers")
@hostile.parametrize()
@settings(BASE_RUN, max_examples=2)
def test_hostile_input_gets_a_documented_4xx_never_a_5xx(case):
    for identity in (as_anonymous, as_student, as_admin):
        conforms(case, identity(), HOSTILE_CHECKS)


def test_schema_is_openapi_3_json(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/health" in document["paths"]


def test_docs_page_loads_its_assets_locally(async_client):
    # Static files are served on Django's async handler only (config.static_files).
    get = async_to_sync(async_client.get)
    response = get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    asset = get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200


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
