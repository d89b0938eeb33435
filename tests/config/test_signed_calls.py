"""Every signed route, found by walking the URL configuration (the views the system signature
authenticates), accepts a signature once and only for the request it was made for."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from config.models import SignedCallRecord
from config.system_signature import SystemSignatureAuthentication, system_call_headers
from tests.factories import StudentFactory
from tests.routes import methods_of, url_routes
from tests.system_calls import as_meta

pytestmark = pytest.mark.django_db
KEY_ID, SECRET = "guru-walk", "a-system-key-for-the-signed-walk"
BODY = json.dumps({"student_email": "nobody@example.com", "credits": 1, "reason": "x"}).encode()


def signed_routes() -> list[tuple[str, str]]:
    routes = []
    for _pieces, path, pattern in url_routes():
        view = getattr(pattern.callback, "cls", None)
        if view is not None and SystemSignatureAuthentication in view.authentication_classes:
            routes += [(path, method.upper()) for method in methods_of(pattern)]
    return routes


SIGNED_ROUTES = signed_routes()


@pytest.fixture(autouse=True)
def system_keys(settings):
    settings.SYSTEM_KEYS = {KEY_ID: SECRET}


def sign(path, method, *, key="walk-key-0001", body=BODY):
    return system_call_headers(
        key_id=KEY_ID, secret=SECRET, method=method, path=path, idempotency_key=key, body=body
    )


def send(path, method, headers, body=BODY):
    return Client().generic(method, path, body, content_type="application/json", **as_meta(headers))


def refused(response, code="system_signature_invalid") -> bool:
    return response.status_code == 401 and response.json()["error"]["code"] == code


def test_the_walk_finds_the_signed_routes():
    assert {("/api/wallet/add", "POST"), ("/api/wallet/reverse", "POST")} <= set(SIGNED_ROUTES)


@pytest.mark.parametrize(("path", "method"), SIGNED_ROUTES)
def test_a_signature_is_accepted_once(path, method):
    headers = sign(path, method)
    assert send(path, method, headers).status_code != 401
    assert refused(send(path, method, headers), "system_signature_replayed")
    # A retry signed afresh is no replay (the Idempotency-Key answers it).
    assert send(path, method, sign(path, method)).status_code != 401


@pytest.mark.parametrize(("path", "method"), SIGNED_ROUTES)
def test_a_signature_made_for_another_route_or_method_is_refused(path, method):
    elsewhere = [other for other in SIGNED_ROUTES if other != (path, method)]
    for other_path, other_method in [*elsewhere, (path, "PUT"), (path + "/x", method)]:
        assert refused(send(path, method, sign(other_path, other_method))), (
            other_method,
            other_path,
        )
    assert not SignedCallRecord.objects.exists()


@pytest.mark.parametrize(("path", "method"), SIGNED_ROUTES)
def test_a_tampered_body_or_idempotency_key_is_refused(path, method):
    headers = sign(path, method)
    assert refused(send(path, method, headers, BODY.replace(b'"credits": 1', b'"credits": 9')))
    assert refused(send(path, method, {**headers, "Idempotency-Key": "walk-key-0002"}))
    assert refused(send(path, method, {**headers, "X-Signature-Nonce": "another-nonce"}))
    assert refused(send(path, method, {**headers, "X-Signature-Key-Id": "retired-key"}))
    assert not SignedCallRecord.objects.exists()


@pytest.mark.parametrize(("path", "method"), SIGNED_ROUTES)
def test_unversioned_and_unknown_schemes_are_refused(path, method):
    headers = sign(path, method)
    versioned = headers["X-Signature"]
    timestamp = headers["X-Signature-Timestamp"]
    # The old scheme: HMAC of "<timestamp>.<body>", unversioned.
    old = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + BODY, hashlib.sha256).hexdigest()
    for signature in (old, versioned.removeprefix("v1="), "v2=" + versioned[3:], "v1="):
        assert refused(send(path, method, {**headers, "X-Signature": signature})), signature
    # A signer offering a newer scheme beside v1 is still understood.
    assert (
        send(path, method, {**headers, "X-Signature": f"v2=00ff, {versioned}"}).status_code != 401
    )


def test_a_captured_grant_sent_again_with_a_fresh_key_credits_nothing(django_user_model):
    StudentFactory(email="kid@example.com")
    body = json.dumps({"student_email": "kid@example.com", "credits": 5, "reason": "x"}).encode()
    headers = sign("/api/wallet/add", "POST", key="grant-0001", body=body)
    assert send("/api/wallet/add", "POST", headers, body).json()["balance"] == 5
    for n in range(2, 4):
        again = {**headers, "Idempotency-Key": f"grant-000{n}"}
        assert refused(send("/api/wallet/add", "POST", again, body))
    reversal = send("/api/wallet/reverse", "POST", headers, body)
    assert refused(reversal)


def test_records_are_purged_once_their_window_has_passed(settings):
    now = timezone.now()
    SignedCallRecord.objects.create(
        signature="a" * 64, key_id=KEY_ID, expires_at=now - timedelta(seconds=1)
    )
    SignedCallRecord.objects.create(
        signature="b" * 64, key_id=KEY_ID, expires_at=now + timedelta(seconds=60)
    )
    call_command("purge_idempotency_records")
    assert list(SignedCallRecord.objects.values_list("signature", flat=True)) == ["b" * 64]


def test_a_record_lasts_as_long_as_its_signature_could_be_accepted(settings):
    path, method = SIGNED_ROUTES[0]
    headers = sign(path, method)
    send(path, method, headers)
    signed_at = int(headers["X-Signature-Timestamp"])
    expires_at = SignedCallRecord.objects.get().expires_at
    assert expires_at.timestamp() == signed_at + settings.SYSTEM_SIGNATURE_MAX_AGE_SECONDS
