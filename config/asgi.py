"""ASGI entry point: one application, two Django handlers.

Requests for async views (the tutor's streamed answer) and for static files go through
Django's async handler, so that waiting on the model holds no thread. Every other request is
for a sync view: Django's async handler would run each of its sync middleware and the view
through thread hops of their own (about 2.3 ms of CPU on the cheapest view, against 0.2 ms
under Django's sync handler). Those requests run Django's sync handler whole, in one thread
of a bounded pool (SYNC_REQUEST_THREADS per process), through a2wsgi's WSGI-to-ASGI bridge.
"""

import os
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any, cast

from a2wsgi import WSGIMiddleware
from a2wsgi.wsgi_typing import WSGIApp
from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application
from django.urls import Resolver404, resolve

ASGIApp = Callable[[dict[str, Any], Callable, Callable], Awaitable[None]]


@lru_cache(maxsize=4096)
def needs_async_handler(path: str, urlconf: str) -> bool:
    """Whether path goes through Django's async handler: a static file, or an async view."""
    if path.startswith(settings.STATIC_URL):
        return True
    try:
        return iscoroutinefunction(resolve(path, urlconf).func)
    except Resolver404:
        return False


def project_application() -> ASGIApp:
    async_handler = get_asgi_application()
    # django-stubs types WSGIHandler's answer as a response, which is the iterable of bytes.
    wsgi_handler = cast(WSGIApp, get_wsgi_application())
    sync_handler = WSGIMiddleware(wsgi_handler, workers=settings.SYNC_REQUEST_THREADS)

    async def application(scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and not needs_async_handler(
            scope["path"], settings.ROOT_URLCONF
        ):
            return await sync_handler(scope, receive, send)  # type: ignore[arg-type]
        return await async_handler(scope, receive, send)

    return application


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = project_application()
