"""A fake of Razorpay's API (orders, payments, refunds) in its wire format, with Basic auth,
plus the signatures Razorpay computes for checkout callbacks and webhooks."""

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from typing import Any

from tests.fakes.server import FakeServer, RecordedRequest, Reply

KEY_ID = "rzp_test_fakekeyid0001"
KEY_SECRET = "fake_key_secret_for_tests"


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(7)}"


def _error(status: int, description: str, code: str = "BAD_REQUEST_ERROR") -> Reply:
    return Reply(status, {"error": {"code": code, "description": description}})


def hmac_sha256(secret: str, message: str | bytes) -> str:
    """Razorpay's signature: hex HMAC-SHA256 (what the SDK's utility verifies)."""
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


class FakeRazorpay(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.orders: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.next_replies: list[Reply] = []
        self._lock = threading.Lock()

    # --- What a student and Razorpay do outside our API ---------------------------------
    def pay(
        self,
        order_id: str,
        *,
        status: str = "captured",
        amount: int | None = None,
        currency: str | None = None,
    ) -> dict[str, Any]:
        order = self.orders[order_id]
        payment = {
            "id": _id("pay"),
            "entity": "payment",
            "amount": order["amount"] if amount is None else amount,
            "currency": currency or order["currency"],
            "status": status,
            "order_id": order_id,
            "method": "upi",
            "captured": status == "captured",
            "created_at": int(time.time()),
        }
        self.payments[payment["id"]] = payment
        if status == "captured":
            order.update(status="paid", amount_paid=payment["amount"], amount_due=0)
        order["attempts"] += 1
        return payment

    def refund(self, payment_id: str, amount: int | None = None) -> dict[str, Any]:
        payment = self.payments[payment_id]
        refund = {
            "id": _id("rfnd"),
            "entity": "refund",
            "amount": payment["amount"] if amount is None else amount,
            "currency": payment["currency"],
            "payment_id": payment_id,
            "status": "processed",
            "created_at": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        return refund

    @staticmethod
    def checkout_signature(order_id: str, payment_id: str, secret: str = KEY_SECRET) -> str:
        return hmac_sha256(secret, f"{order_id}|{payment_id}")

    @staticmethod
    def webhook_body(event: str, **entities: dict[str, Any]) -> bytes:
        return json.dumps(
            {
                "entity": "event",
                "account_id": "acc_fake0001",
                "event": event,
                "contains": list(entities),
                "payload": {name: {"entity": entity} for name, entity in entities.items()},
                "created_at": int(time.time()),
            }
        ).encode()

    # --- The API -----------------------------------------------------------------------
    def reply(self, request: RecordedRequest) -> Reply:
        if self.next_replies:
            return self.next_replies.pop(0)
        expected = "Basic " + base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return _error(401, "The api key provided is invalid")
        path = request.path.split("?", 1)[0].rstrip("/")
        parts = path.strip("/").split("/")
        with self._lock:
            if request.method == "POST" and path == "/v1/orders":
                return self._order_create(request.json())
            if request.method == "GET" and parts[:2] == ["v1", "orders"] and len(parts) == 3:
                return self._found(self.orders, parts[2])
            if (
                request.method == "GET"
                and parts[:2] == ["v1", "orders"]
                and parts[3:] == ["payments"]
            ):
                if parts[2] not in self.orders:
                    return _error(400, "The id provided does not exist")
                items = [p for p in self.payments.values() if p["order_id"] == parts[2]]
                return Reply(200, {"entity": "collection", "count": len(items), "items": items})
            if request.method == "GET" and parts[:2] == ["v1", "payments"] and len(parts) == 3:
                return self._found(self.payments, parts[2])
            if request.method == "GET" and parts[:2] == ["v1", "refunds"] and len(parts) == 3:
                return self._found(self.refunds, parts[2])
        return _error(404, "The requested URL was not found on the server.")

    def _order_create(self, data: dict[str, Any]) -> Reply:
        amount = data.get("amount")
        if not isinstance(amount, int) or amount < 100:
            return _error(400, "The amount must be atleast INR 1.00")
        order = {
            "id": _id("order"),
            "entity": "order",
            "amount": amount,
            "amount_paid": 0,
            "amount_due": amount,
            "currency": data.get("currency", "INR"),
            "receipt": data.get("receipt"),
            "status": "created",
            "attempts": 0,
            "notes": data.get("notes", {}),
            "payment_capture": data.get("payment_capture"),
            "created_at": int(time.time()),
        }
        self.orders[order["id"]] = order
        return Reply(200, order)

    @staticmethod
    def _found(table: dict[str, dict[str, Any]], key: str) -> Reply:
        if key not in table:
            return _error(400, "The id provided does not exist")
        return Reply(200, table[key])
