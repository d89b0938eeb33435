"""The soak's load, run by bench/soak.py with locust (headless): virtual students' journeys and
one admin, through the proxy's public listener.

SOAK_LOAD (JSON, written by soak.py) holds the content's ids, the admin's token, the webhook
secret, the URL of soak.py's harness (the codes the Resend fake received; a checkout in the
Razorpay fake) and the directory this process writes what happened to: samples.jsonl (one
line per request), price_changes.jsonl and grants.jsonl.
"""

import hashlib
import hmac
import json
import os
import re
import time
import uuid
from pathlib import Path
from typing import TextIO

import requests
from locust import HttpUser, constant, events, task
from locust.clients import HttpSession

from tests.fakes.razorpay import FakeRazorpay

CONFIG = json.loads(os.environ["SOAK_LOAD"])
OUT = Path(CONFIG["out"])
_ID = re.compile(r"/\d+(?=/|$)")
_files: dict[str, TextIO] = {}
# Students who verified their email: the admin grants credits to them. One process of
# greenlets: appends need no lock.
_verified: list[str] = []


def _write(name: str, record: list) -> None:
    if name not in _files:
        _files[name] = (OUT / f"{name}.jsonl").open("a", buffering=1)
    _files[name].write(json.dumps(record) + "\n")


@events.quitting.add_listener
def _close(**_: object) -> None:
    for file in _files.values():
        file.close()


def _error_code(response: requests.Response) -> str:
    if "json" not in response.headers.get("Content-Type", ""):
        return ""
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code", "") if isinstance(error, dict) else ""


def _sample(endpoint: str, started: float, status: int, code: str) -> None:
    _write("samples", [started, endpoint, status, code, time.time() - started])


@events.request.add_listener
def _record(name, start_time, response, exception, context, **_: object) -> None:
    if context.get("unrecorded"):
        return
    status = getattr(response, "status_code", 0) or 0
    code = _error_code(response) if status else type(exception).__name__
    _sample(name, start_time, status, code)


def ok(response) -> bool:
    return response is not None and 0 < response.status_code < 300


def call(session: HttpSession, method: str, path: str, **kwargs):
    """One request, named by its route (ids as :id) so that figures group by endpoint."""
    kwargs.setdefault("timeout", 90)
    name = f"{method} {_ID.sub('/:id', path.split('?')[0])}"
    return session.request(method, path, name=name, **kwargs)


class Student(HttpUser):
    """Signs up, buys a pack, redeems a voucher, enrolls, and goes through the course."""

    wait_time = constant(0)

    def csrf(self) -> None:
        response = call(self.client, "GET", "/api/auth/csrf")
        if ok(response):
            self.client.headers.update(
                {"X-CSRFToken": response.json()["csrf_token"], "Referer": self.host + "/"}
            )

    def code_sent_to(self, email: str) -> str | None:
        deadline = time.time() + 60
        while time.time() < deadline:
            found = requests.get(f"{CONFIG['harness']}/otp", params={"email": email}, timeout=10)
            if found.status_code == 200:
                return found.json()["otp"]
            time.sleep(0.5)
        return None

    @task
    def journey(self) -> None:
        self.client.cookies.clear()
        self.client.headers.pop("X-CSRFToken", None)
        email = f"soak-{uuid.uuid4().hex[:12]}@example.com"
        self.csrf()
        signup = call(
            self.client,
            "POST",
            "/api/auth/signup",
            json={"email": email, "password": "a-long-soak-passphrase", "name": "सोक Student"},
        )
        if not ok(signup):
            time.sleep(1)  # the service refused: a person waits before trying again
            return
        otp = self.code_sent_to(email)
        verify = {"email": email, "otp": otp}
        if otp is None or not ok(call(self.client, "POST", "/api/auth/verify-otp", json=verify)):
            return
        _verified.append(email)
        self.csrf()
        course = CONFIG["course"]
        call(self.client, "POST", "/api/wallet/voucher/redeem", json={"code": CONFIG["voucher"]})
        self.buy_pack()
        if not ok(call(self.client, "POST", f"/api/courses/{course}/enroll")):
            time.sleep(1)  # refused (Guru away): a person tries again later, not the lessons
            return
        for lesson in CONFIG["lessons"]:
            call(self.client, "GET", f"/api/learning/lesson/{lesson}")
            call(self.client, "POST", f"/api/learning/lesson/{lesson}/complete")
        call(
            self.client,
            "POST",
            f"/api/labs/{course}/{CONFIG['lab']}/submit",
            json={"code": "def greet(city):\n    return f'Namaste, {city}!'\n"},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        test = f"/api/tests/{course}/{CONFIG['test']}"
        if ok(call(self.client, "POST", f"{test}/start")):
            call(self.client, "POST", f"{test}/submit", json={"answers": CONFIG["answers"]})
        self.ask_the_tutor(course)
        call(
            self.client,
            "POST",
            f"/api/projects/{course}/{CONFIG['project']}/submit",
            json={"repo_url": "https://github.com/soak/marks-report", "show_in_portfolio": False},
        )
        call(self.client, "GET", f"/api/courses/{course}/progress")
        call(self.client, "POST", "/api/certificates/generate", json={"course_id": course})
        call(self.client, "GET", "/api/wallet/balance")
        call(self.client, "GET", "/api/courses")

    def buy_pack(self) -> None:
        """The order, checkout in the Razorpay fake, the browser's verify and Razorpay's
        signed webhook."""
        order = call(
            self.client, "POST", "/api/payments/create-order", json={"pack_id": CONFIG["pack"]}
        )
        if not ok(order):
            return
        order_id = order.json()["checkout"]["order_id"]
        payment = requests.post(
            f"{CONFIG['harness']}/checkout", params={"order_id": order_id}, timeout=10
        ).json()
        call(
            self.client,
            "POST",
            "/api/payments/verify",
            json={
                "razorpay_order_id": order_id,
                "razorpay_payment_id": payment["id"],
                "razorpay_signature": FakeRazorpay.checkout_signature(order_id, payment["id"]),
            },
        )
        body = FakeRazorpay.webhook_body("payment.captured", payment=payment)
        secret = CONFIG["webhook_secret"].encode()
        # The webhook comes from Razorpay, not the browser: no session.
        razorpay = HttpSession(self.host, self.environment.events.request, self)
        call(
            razorpay,
            "POST",
            "/api/payments/webhook",
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Razorpay-Signature": hmac.new(secret, body, hashlib.sha256).hexdigest(),
                "X-Razorpay-Event-Id": f"evt_{uuid.uuid4().hex[:14]}",
            },
        )

    def ask_the_tutor(self, course: int) -> None:
        """Streamed, read to the end: timed to the last event, not to the headers."""
        started = time.time()
        status, code = 0, ""
        try:
            with self.client.post(
                "/api/mithra/ask",
                json={
                    "course_id": course,
                    "lesson_id": CONFIG["lessons"][0],
                    "question": "What does len() return?",
                },
                headers={"Accept": "text/event-stream", "Idempotency-Key": uuid.uuid4().hex},
                stream=True,
                timeout=90,
                context={"unrecorded": True},
                catch_response=True,
            ) as response:
                status, code = response.status_code, _error_code(response)
                for _ in response.iter_lines(chunk_size=64):
                    pass
                response.success()
        except requests.RequestException as exc:
            code = type(exc).__name__
        _sample("POST /api/mithra/ask (streamed to the end)", started, status, code)


class Admin(HttpUser):
    """Guru's admin, every 7 s: moves the lab's price between 1 and 2 credits, and grants the
    latest verified student 5 credits (Guru's signed call into the student side), sending the
    same grant twice as a retry would."""

    fixed_count = 1
    wait_time = constant(7)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {CONFIG['admin_token']}"
        self.credits = 1

    @task
    def edit(self) -> None:
        self.credits = 3 - self.credits
        before = time.time()
        price = {"action": "lab_run", "credits": self.credits, "is_chargeable": True}
        path = f"/api/admin/pricing/action/{CONFIG['lab_price']}"
        if ok(call(self.client, "PUT", path, json=price)):
            _write("price_changes", [before, self.credits])
        if _verified:
            self.grant(_verified[-1])

    def grant(self, student: str) -> None:
        key = f"soak-grant-{uuid.uuid4().hex[:16]}"
        grant = {"student_email": student, "credits": 5, "reason": "soak"}
        headers = {"Idempotency-Key": key}
        answers = [
            call(self.client, "POST", "/api/admin/wallet/grant", json=grant, headers=headers)
            for _ in range(2)
        ]
        if all(ok(answer) for answer in answers):
            first, retry = (answer.json()["entry"]["id"] for answer in answers)
            _write("grants", [key, first, retry])
