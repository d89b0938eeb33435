"""The in-process transport: this process's own views answer a requests session, on threads
and database connections of their own."""

import pytest
import requests
from django.core.signals import request_finished
from django.db import connection, connections, transaction

from config import in_process
from config.in_process import InProcessTransport
from guru.services.version import content_version_bump
from tests.guru.catalogue import api_key

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def session():
    session = requests.Session()
    session.mount("http://127.0.0.1/", InProcessTransport())
    yield session
    # The pool's thread keeps its connection open, as a worker thread would.
    in_process._pool.submit(connections.close_all).result()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's one write lock: a call inside a transaction runs in it (the test below)",
)
def test_a_call_runs_outside_the_callers_transaction(session):
    key = api_key("catalog")
    with transaction.atomic():
        content_version_bump()  # not committed: the inner request must not see it
        inside = session.get("http://127.0.0.1/api/public/version", headers={"X-API-Key": key})
    assert inside.status_code == 200 and inside.json() == {"version": 1}
    after = session.get("http://127.0.0.1/api/public/version", headers={"X-API-Key": key})
    assert after.json() == {"version": 2}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL: the test above")
def test_on_sqlite_a_call_inside_a_transaction_runs_in_it(session):
    key = api_key("catalog")  # never used: the call writes its last use
    with transaction.atomic():
        content_version_bump()
        inside = session.get("http://127.0.0.1/api/public/version", headers={"X-API-Key": key})
    assert inside.status_code == 200 and inside.json() == {"version": 2}


def test_a_call_fires_no_request_signals_and_keeps_the_envelope(session):
    finished: list[object] = []

    def receiver(**kwargs: object) -> None:
        finished.append(kwargs)

    request_finished.connect(receiver)
    try:
        refused = session.get("http://127.0.0.1/api/public/version")
    finally:
        request_finished.disconnect(receiver)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "api_key_missing"
    assert refused.headers["X-Request-ID"]
    assert finished == []
