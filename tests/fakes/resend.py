"""A fake of Resend's email API (POST /emails), answering as Resend does, idempotency keys
included: a request repeating a key with the same body gets the first answer and delivers
nothing more."""

import threading
import uuid
from collections.abc import Callable

from tests.fakes.server import FakeServer, RecordedRequest, Reply


class FakeResend(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.next_replies: list[Reply] = []
        # Waits for emails still being sent in the background; called before each read.
        self.settle: Callable[[], None] = lambda: None
        # Idempotency-Key -> (the request's body, the answer it got).
        self._by_key: dict[str, tuple[bytes, Reply]] = {}
        self._lock = threading.Lock()
        # Set to hold every delivery's answer until released (a worker killed mid-send).
        self.hold_answers: threading.Event | None = None

    def fail_next(self, status: int, name: str = "application_error") -> None:
        self.next_replies.append(
            Reply(status, {"statusCode": status, "name": name, "message": "fake failure"})
        )

    def reply(self, request: RecordedRequest) -> Reply:
        if self.next_replies:
            return self.next_replies.pop(0)
        if request.method == "POST" and request.path == "/emails":
            if request.headers.get("authorization", "") != "Bearer re_test_key_for_the_fake_server":
                return Reply(401, {"statusCode": 401, "name": "missing_api_key", "message": "no"})
            reply = self._deliver(request)
            if self.hold_answers is not None:
                self.hold_answers.wait(timeout=60)
            return reply
        return Reply(404, {"statusCode": 404, "name": "not_found", "message": "Not found"})

    def _deliver(self, request: RecordedRequest) -> Reply:
        key = request.headers.get("idempotency-key")
        with self._lock:
            if key is None:
                return Reply(200, {"id": str(uuid.uuid4())})
            if key in self._by_key:
                body, reply = self._by_key[key]
                if body != request.body:
                    return Reply(
                        409,
                        {
                            "statusCode": 409,
                            "name": "invalid_idempotent_request",
                            "message": "Same idempotency key used with a different request",
                        },
                    )
                return reply
            reply = Reply(200, {"id": str(uuid.uuid4())})
            self._by_key[key] = (request.body, reply)
            return reply

    @property
    def emails(self) -> list[dict]:
        """Every email request received, repeated keys included."""
        self.settle()
        return [r.json() for r in self.requests if r.path == "/emails" and r.method == "POST"]

    @property
    def deliveries(self) -> int:
        """Emails delivered: one per idempotency key (and one per request without a key)."""
        self.settle()
        sent = [r for r in self.requests if r.path == "/emails" and r.method == "POST"]
        keyless = [r for r in sent if "idempotency-key" not in r.headers]
        return len(self._by_key) + len(keyless)

    def last_email_to(self, address: str) -> dict:
        matching = [email for email in self.emails if address in email["to"]]
        assert matching, f"no email was sent to {address}"
        return matching[-1]
