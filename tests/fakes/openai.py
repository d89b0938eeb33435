"""A fake of OpenAI's Chat Completions API (POST /v1/chat/completions) in its wire format, with
Bearer auth. It records every request, and can answer 500 or 429 or hang past a timeout."""

import threading
import time
import uuid
from typing import Any

from tests.fakes.server import FakeServer, RecordedRequest, Reply

API_KEY = "sk-test-fakeopenai0123456789abcdef"
ANSWER = "Think of a variable as a labelled box that holds a value."


def _error(status: int, message: str, kind: str, code: str | None = None) -> Reply:
    return Reply(status, {"error": {"message": message, "type": kind, "param": None, "code": code}})


class FakeOpenAI(FakeServer):
    def __init__(self, *, api_key: str = API_KEY) -> None:
        super().__init__()
        self.api_key = api_key
        self.answer = ANSWER
        self.next_replies: list[Reply] = []
        self.hanging = False
        self._release = threading.Event()

    # --- Faults --------------------------------------------------------------------------
    def fail_next(self, status: int, *, times: int = 1, retry_after: str | None = None) -> None:
        if status == 429:
            reply = _error(429, "Rate limit reached.", "requests", "rate_limit_exceeded")
        else:
            reply = _error(status, "The server had an error.", "server_error")
        if retry_after is not None:
            reply.headers["retry-after"] = retry_after
        self.next_replies.extend([reply] * times)

    def hang(self) -> None:
        """Every request waits (until the server stops) before it is answered."""
        self.hanging = True

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        super().__exit__(*exc)

    # --- What the tests read ---------------------------------------------------------------
    @property
    def completions(self) -> list[dict[str, Any]]:
        """The bodies of the chat completion requests received."""
        return [
            request.json()
            for request in self.requests
            if request.method == "POST" and request.path == "/v1/chat/completions"
        ]

    # --- The API -----------------------------------------------------------------------------
    def reply(self, request: RecordedRequest) -> Reply:
        if self.hanging:
            self._release.wait(30)
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided.", "invalid_request_error")
        if self.next_replies:
            return self.next_replies.pop(0)
        if request.method != "POST" or request.path != "/v1/chat/completions":
            return _error(404, "Unknown request URL.", "invalid_request_error")
        body = request.json()
        prompt_chars = sum(len(message["content"]) for message in body["messages"])
        usage = {
            "prompt_tokens": prompt_chars // 4,
            "completion_tokens": len(self.answer) // 4,
            "total_tokens": (prompt_chars + len(self.answer)) // 4,
        }
        return Reply(
            200,
            {
                "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": self.answer, "refusal": None},
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": usage,
            },
        )
