"""A fake of Resend's email API (POST /emails), answering as Resend does."""

import uuid
from collections.abc import Callable

from tests.fakes.server import FakeServer, RecordedRequest, Reply


class FakeResend(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.next_replies: list[Reply] = []
        # Waits for emails still being sent in the background; called before each read.
        self.settle: Callable[[], None] = lambda: None

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
            return Reply(200, {"id": str(uuid.uuid4())})
        return Reply(404, {"statusCode": 404, "name": "not_found", "message": "Not found"})

    @property
    def emails(self) -> list[dict]:
        self.settle()
        return [r.json() for r in self.requests if r.path == "/emails" and r.method == "POST"]

    def last_email_to(self, address: str) -> dict:
        matching = [email for email in self.emails if address in email["to"]]
        assert matching, f"no email was sent to {address}"
        return matching[-1]
