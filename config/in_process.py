"""A requests transport that answers from this process's own Django views, without a socket.

When one process serves both Guru and the student side, each side's client (the Guru client,
Guru's wallet calls) mounts it on the other side's base URL: the same requests code path,
headers, authentication, middleware and serialization as over the network, but no request
ever waits for a worker thread of its own server (which, with every thread waiting, never
comes). It fires no request_started/request_finished signals and changes none.

By default each call runs on a small pool of its own threads, so the inner request has its
own database connection and transaction: a Guru read never joins the caller's transaction
(no Guru row lock, e.g. an API key's last use, held under a wallet lock). inline=True runs
it in the caller's thread and transaction (tests, whose data lives in that transaction), as
does a call made inside a transaction on SQLite, whose one write lock the caller holds.
"""

import io
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import requests
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.db import close_old_connections, connection
from django.http import HttpResponse
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

# Threads that serve in-process calls, per process. Each may hold a database connection; a
# call waits for a free one, never for a thread of the web server.
POOL_THREADS = 8

_handler: BaseHandler | None = None
_handler_lock = threading.Lock()
_pool = ThreadPoolExecutor(max_workers=POOL_THREADS, thread_name_prefix="in-process")


def _django_handler() -> BaseHandler:
    global _handler
    with _handler_lock:
        if _handler is None:
            handler = BaseHandler()
            handler.load_middleware()
            _handler = handler
    return _handler


def _environ(request: requests.PreparedRequest, body: bytes) -> dict[str, Any]:
    url = urlsplit(request.url)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": url.path,
        "QUERY_STRING": url.query,
        "SERVER_NAME": url.hostname or "localhost",
        "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ[key] = value
        elif key != "CONTENT_LENGTH":
            environ[f"HTTP_{key}"] = value
    return environ


def _respond(environ: dict[str, Any]) -> tuple[int, str, list[tuple[str, str]], bytes]:
    response = _django_handler().get_response(WSGIRequest(environ))
    content = response.content if isinstance(response, HttpResponse) else b"".join(response)
    return response.status_code, response.reason_phrase, list(response.items()), content


def _respond_on_pool_thread(environ: dict[str, Any]) -> tuple[int, str, list, bytes]:
    # A pool thread lives outside any request cycle: it drops a broken or expired database
    # connection itself, as Django's request signals would (its own thread's only).
    close_old_connections()
    try:
        return _respond(environ)
    finally:
        close_old_connections()


def _caller_holds_sqlite_write_lock() -> bool:
    """SQLite has one write lock, which every transaction takes (config.settings): a call
    served on a pool thread that writes (an API key's last use) would wait for the caller,
    which waits for the call. Inside a transaction, the call runs in it instead."""
    return connection.vendor == "sqlite" and connection.in_atomic_block


class InProcessTransport(BaseAdapter):
    def __init__(self, *, inline: bool = False) -> None:
        super().__init__()
        self.inline = inline

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        environ = _environ(request, body)
        if self.inline or _caller_holds_sqlite_write_lock():
            status, reason, headers, content = _respond(environ)
        else:
            status, reason, headers, content = _pool.submit(
                _respond_on_pool_thread, environ
            ).result()
        response = requests.Response()
        response.status_code = status
        response.reason = reason
        response.headers = CaseInsensitiveDict(headers)
        response._content = content
        response.url = request.url or ""
        response.request = request
        # requests sets it to whichever adapter answered; its stubs name only HTTPAdapter.
        response.connection = self  # type: ignore[assignment]
        return response

    def close(self) -> None:
        pass


def mount_in_process(session: requests.Session, base_url: str) -> None:
    """Answers session's requests to base_url from this process's own views."""
    session.mount(base_url.rstrip("/") + "/", InProcessTransport())
