"""Verify and webhooks racing for one payment, on PostgreSQL's row locks."""

import pytest
from django.db import connection
from django.test import Client

from payments.models import Payment, WebhookEvent
from shishya.models import Notification
from tests.concurrency import race
from tests.payments.helpers import PACK, captured_event, paid_order, purchases, send_webhook, verify
from tests.wallets import balance

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_concurrent_verify_and_webhook_for_one_payment_credit_once(
    guru, razorpay, student_client, student
):
    order, payment = paid_order(student_client, razorpay)
    body = captured_event(payment)
    statuses = race(
        lambda: verify(logged_in(student), order.razorpay_order_id, payment["id"]).status_code,
        lambda: send_webhook(Client(), body, event_id="evt_1").status_code,
        lambda: verify(logged_in(student), order.razorpay_order_id, payment["id"]).status_code,
        lambda: send_webhook(Client(), body, event_id="evt_2").status_code,
    )
    assert statuses == [200] * 4
    assert balance(student) == PACK["credits"] == purchases(student)
    assert Payment.objects.count() == 1
    assert Notification.objects.filter(kind="payment_received").count() == 1


def test_the_same_event_three_times_at_once_credits_once(guru, razorpay, student_client, student):
    _order, payment = paid_order(student_client, razorpay)
    body = captured_event(payment)
    statuses = race(*[lambda: send_webhook(Client(), body).status_code] * 3)
    assert statuses == [200] * 3
    assert balance(student) == PACK["credits"]
    assert WebhookEvent.objects.count() == 1 and Payment.objects.count() == 1
