"""A small threaded HTTP server for fakes of external services; it records every request."""

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    # A body sent piece by piece as the iterable yields, ended by closing the connection.
    stream: Iterable[bytes] | None = None

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 drops connections under a load generator (then retried a
    # second later), which would pass for the client's latency.
    request_queue_size = 128


class FakeServer:
    """Subclasses implement reply(request). Use as a context manager."""

    def record(self, request: RecordedRequest) -> None:
        self.requests.append(request)

    def __init__(self, *, port: int = 0) -> None:
        self.requests: list[RecordedRequest] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # Headers and body go out in two writes: without TCP_NODELAY the second waits
            # for the client's delayed ACK (~40 ms), which would pass for the client's latency.
            disable_nagle_algorithm = True

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = RecordedRequest(
                    method=self.command,
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                fake.record(request)
                reply = fake.reply(request)
                if reply.stream is not None:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    try:
                        for piece in reply.stream:
                            self.wfile.write(piece)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client stopped reading (a deadline, a test's early exit)
                    return
                payload = b"" if reply.status == 304 else reply.encoded()
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def reply(self, request: RecordedRequest) -> Reply:
        raise NotImplementedError

    def __enter__(self) -> "FakeServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
