from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from payments.models import Order, Payment, PaymentReview, Refund, Subscription, WebhookEvent
from tests.concurrency import lock_timeout, row_locked
from tests.fakes.razorpay import FakeRazorpay
from tests.fakes.server import Reply
from tests.payments.helpers import PACK, PLAN, create_order, paid_order, send_webhook, verify
from tests.wallets import balance
from wallet.models import LedgerEntry, Wallet
from wallet.services import wallet_apply

pytestmark = pytest.mark.django_db


def bought(client, razorpay, **body) -> tuple[Order, dict]:
    order, payment = paid_order(client, razorpay, **body)
    assert verify(client, order.razorpay_order_id, payment["id"]).status_code == 200
    return order, payment


def refund_event(refund: dict) -> bytes:
    return FakeRazorpay.webhook_body("refund.processed", refund=refund)


def spend(user, credits: int) -> None:
    wallet_apply(
        user=user,
        amount=-credits,
        kind=LedgerEntry.Kind.DEDUCTION,
        reference="lab_run:1",
        idempotency_key="spent",
    )


class TestRefunds:
    def test_a_refund_reverses_the_purchase_with_a_new_ledger_entry(
        self, guru, razorpay, student_client, client, student
    ):
        order, payment = bought(student_client, razorpay)
        refund = razorpay.refund(payment["id"])
        response = send_webhook(client, refund_event(refund))
        assert response.status_code == 200 and response.json()["outcome"] == "refund_recorded"
        assert balance(student) == 0
        reversal = LedgerEntry.objects.get(kind=LedgerEntry.Kind.REVERSAL)
        assert (
            reversal.amount == -PACK["credits"] and reversal.reference == f"refund:{refund['id']}"
        )
        assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PURCHASE).count() == 1
        order.refresh_from_db()
        assert order.status == "refunded" and order.refunded_paise == PACK["price_paise"]
        assert any(r.path == f"/v1/refunds/{refund['id']}" for r in razorpay.requests)

    def test_a_replayed_refund_reverses_once(self, guru, razorpay, student_client, client, student):
        _order, payment = bought(student_client, razorpay)
        body = refund_event(razorpay.refund(payment["id"]))
        send_webhook(client, body, event_id="evt_1")
        send_webhook(client, body, event_id="evt_2")
        assert Refund.objects.count() == 1 and balance(student) == 0

    def test_partial_refunds_add_up_to_the_pack(
        self, guru, razorpay, student_client, client, student
    ):
        _order, payment = bought(student_client, razorpay)
        third = PACK["price_paise"] // 3
        for n, amount in enumerate([third, third, PACK["price_paise"] - 2 * third]):
            refund = razorpay.refund(payment["id"], amount)
            send_webhook(client, refund_event(refund), event_id=f"evt_{n}")
        assert [r.credits_reversed for r in Refund.objects.order_by("pk")] == [33, 33, 34]
        assert balance(student) == 0 and Order.objects.get().status == "refunded"

    def test_too_low_a_balance_records_the_shortfall_and_never_goes_negative(
        self, guru, razorpay, student_client, client, student
    ):
        _order, payment = bought(student_client, razorpay)
        spend(student, 70)
        refund = razorpay.refund(payment["id"])
        assert send_webhook(client, refund_event(refund)).status_code == 200
        assert Wallet.objects.get(user=student).balance == 0
        recorded = Refund.objects.get()
        assert (recorded.credits_reversed, recorded.credits_shortfall) == (30, 70)
        review = PaymentReview.objects.get(reason="refund_shortfall")
        assert review.reference == refund["id"] and review.details["shortfall"] == 70

    def test_nothing_left_to_take_back_is_all_shortfall(
        self, guru, razorpay, student_client, client, student
    ):
        _order, payment = bought(student_client, razorpay)
        spend(student, PACK["credits"])
        send_webhook(client, refund_event(razorpay.refund(payment["id"])))
        assert Refund.objects.get().credits_shortfall == PACK["credits"]
        assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVERSAL).exists()
        assert balance(student) == 0

    def test_a_refund_razorpay_has_not_processed_changes_nothing(
        self, guru, razorpay, student_client, client, student
    ):
        _order, payment = bought(student_client, razorpay)
        refund = razorpay.refund(payment["id"])
        refund["status"] = "pending"
        response = send_webhook(client, refund_event({**refund, "status": "processed"}))
        assert response.json()["outcome"] == "refund_ignored"
        assert balance(student) == PACK["credits"]

    def test_a_plan_refund_takes_back_its_days(
        self, guru, razorpay, student_client, client, student
    ):
        _order, payment = bought(student_client, razorpay, plan_id=PLAN["id"])
        end = Subscription.objects.get().current_period_end
        send_webhook(client, refund_event(razorpay.refund(payment["id"])))
        subscription = Subscription.objects.get()
        assert subscription.current_period_end == end - timedelta(days=PLAN["period_days"])
        assert not subscription.is_active()
        assert student_client.get("/api/user/features").json()["features"] == {}


class TestReconcile:
    def test_recovers_a_paid_order_whose_webhook_was_missed(
        self, guru, razorpay, student_client, student, capsys
    ):
        order, _payment = paid_order(student_client, razorpay)  # checkout closed, no webhook
        unpaid = Order.objects.get(pk=create_order(student_client, pack_id=2)["order"]["id"])
        Order.objects.update(created_at=timezone.now() - timedelta(minutes=10))
        call_command("reconcile_payments")
        assert "fulfilled: 1" in capsys.readouterr().out
        order.refresh_from_db()
        unpaid.refresh_from_db()
        assert order.status == "paid" and unpaid.status == "created"
        assert balance(student) == PACK["credits"]
        assert Payment.objects.get().fulfilled_by == "reconcile"
        call_command("reconcile_payments")  # again: nothing more
        assert balance(student) == PACK["credits"]

    def test_leaves_orders_younger_than_the_grace_period_to_checkout(
        self, guru, razorpay, student_client, student
    ):
        paid_order(student_client, razorpay)
        call_command("reconcile_payments")
        assert balance(student) == 0

    def test_retries_an_event_razorpay_could_not_confirm(
        self, guru, razorpay, student_client, client, student
    ):
        _order, payment = bought(student_client, razorpay)
        refund = razorpay.refund(payment["id"])
        razorpay.next_replies = [Reply(503, {"error": {"code": "SERVER_ERROR"}})]
        send_webhook(client, refund_event(refund))
        assert balance(student) == PACK["credits"]
        WebhookEvent.objects.update(received_at=timezone.now() - timedelta(minutes=10))
        call_command("reconcile_payments")
        assert WebhookEvent.objects.get().outcome == "refund_recorded"
        assert balance(student) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_reconcile_skips_an_order_a_request_holds_and_takes_it_next_time(
    guru, razorpay, student_client, student, capsys
):
    order, _payment = paid_order(student_client, razorpay)
    Order.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    with row_locked(Order.objects.filter(pk=order.pk)), lock_timeout(100):
        call_command("reconcile_payments")
    assert "busy: 1" in capsys.readouterr().out
    assert balance(student) == 0
    call_command("reconcile_payments")
    assert "fulfilled: 1" in capsys.readouterr().out
    assert balance(student) == PACK["credits"]
