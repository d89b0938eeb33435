"""Static files (the API docs' assets, the Django admin's) through ServeStatic, on async
handlers only.

ServeStatic's middleware is async only: in a sync handler's chain Django would run it, and the
rest of that chain, through an event loop of its own on every request (about 0.7 ms of CPU on
the cheapest view). `config.asgi` sends every path under STATIC_URL to Django's async handler,
so the sync handler it runs views on leaves the middleware out. A sync server alone
(`config.wsgi`, the test client) serves no static files.
"""

from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponseBase
from servestatic.middleware import ServeStaticMiddleware

GetResponse = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


def static_files_middleware(get_response: GetResponse) -> ServeStaticMiddleware:
    if not iscoroutinefunction(get_response):
        raise MiddlewareNotUsed("static files are served by the async handler only")
    return ServeStaticMiddleware(get_response)


static_files_middleware.sync_capable = True  # type: ignore[attr-defined]
static_files_middleware.async_capable = True  # type: ignore[attr-defined]
