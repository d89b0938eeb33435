"""ASGI entry point: one application, two Django handlers.

Requests for async views (the tutor's streamed answer) and for static files go through
Django's async handler, so that waiting on the model holds no thread. Every other request is
for a sync view: Django's async handler would run each of its sync middleware and the view
through thread hops of their own (about 2.3 ms of CPU on the cheapest view, against 0.2 ms
under Django's sync handler). Those requests run Django's sync handler whole, in one thread
of a bounded pool (SYNC_REQUEST_THREADS per process), through a2wsgi's WSGI-to-ASGI bridge.
"""

import os
import tempfile
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import IO, Any, cast

from a2wsgi import WSGIMiddleware
from a2wsgi.wsgi_typing import WSGIApp
from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application
from django.urls import Resolver404, resolve

ASGIApp = Callable[[dict[str, Any], Callable, Callable], Awaitable[None]]
_REPLAY_CHUNK_BYTES = 64 * 1024


# Paths are the client's: only short ones are remembered, so the memo stays small (at most
# 4096 x 256 characters) whatever paths are sent.
_REMEMBERED_PATH_MAX = 256


def needs_async_handler(path: str, urlconf: str) -> bool:
    """Whether path goes through Django's async handler: a static file, or an async view."""
    if len(path) > _REMEMBERED_PATH_MAX:
        return _needs_async_handler(path, urlconf)
    return _needs_async_handler_remembered(path, urlconf)


def _needs_async_handler(path: str, urlconf: str) -> bool:
    if path.startswith(settings.STATIC_URL):
        return True
    try:
        return iscoroutinefunction(resolve(path, urlconf).func)
    except Resolver404:
        return False


_needs_async_handler_remembered = lru_cache(maxsize=4096)(_needs_async_handler)


def project_application() -> ASGIApp:
    async_handler = get_asgi_application()
    # django-stubs types WSGIHandler's answer as a response, which is the iterable of bytes.
    wsgi_handler = cast(WSGIApp, get_wsgi_application())
    sync_handler = WSGIMiddleware(wsgi_handler, workers=settings.SYNC_REQUEST_THREADS)

    async def application(scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and not needs_async_handler(
            scope["path"], settings.ROOT_URLCONF
        ):
            body = await body_received(receive)
            if body is None:
                return  # the client left before its request was whole: no view runs
            with body:
                replay = body_replayed(body, receive)
                return await sync_handler(scope, replay, send)  # type: ignore[arg-type]
        return await async_handler(scope, receive, send)

    return application


async def body_received(receive: Callable) -> IO[bytes] | None:
    """The request's whole body, kept as Django's async handler keeps it (in memory up to
    FILE_UPLOAD_MAX_MEMORY_SIZE, then in a temporary file); None when the client disconnects
    first. A sync view is then never given a body its client did not finish sending."""
    # Closed by the caller (or here, on a disconnect).
    body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            body.close()
            return None
        body.write(message.get("body", b""))
        if not message.get("more_body", False):
            body.seek(0)
            return body


def body_replayed(body: IO[bytes], receive: Callable) -> Callable[[], Awaitable[dict]]:
    """An ASGI receive that gives the body again, in chunks, then waits on the client's own
    receive (its disconnect)."""

    async def replay() -> dict[str, Any]:
        if body.closed:
            return await receive()
        chunk = body.read(_REPLAY_CHUNK_BYTES)
        more = len(chunk) == _REPLAY_CHUNK_BYTES
        if not more:
            body.close()
        return {"type": "http.request", "body": chunk, "more_body": more}

    return replay


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = project_application()
