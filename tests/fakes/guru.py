"""A scriptable stand-in for Guru's public API, for injecting faults into the Guru client.
(The client is also tested against the real public API of this project.)"""

import hashlib
import json
import threading
import time

from tests.fakes.server import FakeServer, RecordedRequest, Reply

VERSION_PATH = "/api/public/version"


class FakeGuru(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.documents: dict[str, object] = {}
        self.scripted: list[Reply] = []  # replies sent before the documents
        self.delay_seconds = 0.0
        self.hold_answers: threading.Event | None = None  # each answer held until it is set
        # Guru's content version (GET /api/public/version), polled apart from the documents.
        self.version = 1
        self.version_polls: list[RecordedRequest] = []
        self.version_down = False

    def record(self, request: RecordedRequest) -> None:
        if request.path == VERSION_PATH:
            self.version_polls.append(request)
        else:
            super().record(request)

    def reply(self, request: RecordedRequest) -> Reply:
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        if self.hold_answers is not None:
            self.hold_answers.wait(timeout=10)
        if request.path == VERSION_PATH:
            if self.version_down:
                return Reply(503, {"error": {"code": "down", "message": "Down."}})
            return Reply(200, {"version": self.version})
        if self.scripted:
            return self.scripted.pop(0)
        if request.path not in self.documents:
            return Reply(404, {"error": {"code": "not_found", "message": "Not found."}})
        body = json.dumps(self.documents[request.path]).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag})
        return Reply(200, body, headers={"ETag": etag})


def platform_settings(*, welcome_credits: int) -> dict:
    """GET /api/public/settings as Guru serves it (the tutor as Guru's defaults have it)."""
    return {
        "welcome_credits": welcome_credits,
        "tutor": {
            "enabled": True,
            "daily_question_cap": 20,
            "model": "",
            "max_question_length": 2000,
        },
        "updated_at": "2026-01-01T00:00:00Z",
    }
