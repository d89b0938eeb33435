"""A fake of OpenAI's Chat Completions API (POST /v1/chat/completions) in its wire format, with
Bearer auth, whole or streamed (`stream: true`: Server-Sent Events of `chat.completion.chunk`
objects, then `data: [DONE]`). It records every request, and can answer 500 or 429, hang past
a timeout, stream slowly, pause a stream after its first chunk, or break it there."""

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from tests.fakes.server import FakeServer, RecordedRequest, Reply

API_KEY = "sk-test-fakeopenai0123456789abcdef"
ANSWER = "Think of a variable as a labelled box that holds a value."


def _error(status: int, message: str, kind: str, code: str | None = None) -> Reply:
    return Reply(status, {"error": {"message": message, "type": kind, "param": None, "code": code}})


class FakeOpenAI(FakeServer):
    def __init__(self, *, api_key: str = API_KEY, port: int = 0) -> None:
        super().__init__(port=port)
        self.api_key = api_key
        self.answer = ANSWER
        self.next_replies: list[Reply] = []
        self.hanging = False
        self._release = threading.Event()
        # Streams: seconds between chunks, and the answer's pieces (one per word by default).
        self.chunk_delay = 0.0
        self._resume = threading.Event()
        self._streams_to_pause = 0
        self._lock = threading.Lock()
        self.breaking = False
        self.first_chunks_sent = 0
        # Streams that sent their first chunk and wait for resume() now.
        self.streams_paused = 0
        # Seconds each streamed answer took, from its request read to its last chunk written:
        # the fake's own time, which benchmarks take off the tutor's.
        self.answer_seconds: list[float] = []

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

    def pause_after_first_chunk(self, *, streams: int = 1_000_000) -> None:
        """The next `streams` streams (all by default) send their first chunk, then wait
        until resume()."""
        self._resume.clear()
        self._streams_to_pause = streams

    def resume(self) -> None:
        self._streams_to_pause = 0
        self._resume.set()

    def break_after_first_chunk(self) -> None:
        """Streams send their first chunk, then the connection drops: no finish, no [DONE]."""
        self.breaking = True

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._resume.set()
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
        received = time.monotonic()
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
        if body.get("stream"):
            return Reply(
                200,
                headers={"Content-Type": "text/event-stream; charset=utf-8"},
                stream=self._chunks(model=body["model"], usage=usage, body=body, received=received),
            )
        # A whole answer takes as long as its stream would.
        time.sleep(self.chunk_delay * (len(self._pieces()) - 1))
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

    def _chunks(
        self, *, model: str, usage: dict[str, int], body: dict[str, Any], received: float
    ) -> Iterator[bytes]:
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())

        def chunk(choices: list[dict[str, Any]], **extra: Any) -> bytes:
            payload = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": choices,
                **extra,
            }
            return f"data: {json.dumps(payload)}\n\n".encode()

        def choice(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}

        for n, piece in enumerate(self._pieces()):
            if n:
                time.sleep(self.chunk_delay)
            delta = {"content": piece} if n else {"role": "assistant", "content": piece}
            yield chunk([choice(delta)])
            if n == 0:
                with self._lock:
                    self.first_chunks_sent += 1
                    paused = self._streams_to_pause > 0
                    self._streams_to_pause -= paused
                if self.breaking:
                    return
                if paused:
                    with self._lock:
                        self.streams_paused += 1
                    self._resume.wait(30)
                    with self._lock:
                        self.streams_paused -= 1
        yield chunk([choice({}, "stop")])
        if (body.get("stream_options") or {}).get("include_usage"):
            yield chunk([], usage=usage)
        yield b"data: [DONE]\n\n"
        self.answer_seconds.append(time.monotonic() - received)

    def _pieces(self) -> list[str]:
        return re.findall(r"\S+\s*", self.answer)
