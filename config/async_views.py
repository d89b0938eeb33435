"""DRF for coroutine handlers: an APIView whose handlers are async, and database steps that
give their connection back, so a request awaiting an upstream holds no thread and no
connection.

DRF's views are sync only. AsyncAPIView keeps everything DRF does around a handler (the
request, authentication and CSRF, permissions, content negotiation, the error envelope) and
runs those steps, which may read the session and the user, in a thread; the handler itself is
awaited on the event loop.
"""

from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import connections
from django.http import HttpRequest, HttpResponseBase
from rest_framework.views import APIView

P = ParamSpec("P")
R = TypeVar("R")


def db_step(fn: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """fn awaited from async code: run in a thread, its database connections closed when it
    ends (given back to the pool), so that what the coroutine awaits next holds none."""

    def step(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        finally:
            connections_release()

    return sync_to_async(step, thread_sensitive=True)


def connections_release() -> None:
    for connection in connections.all(initialized_only=True):
        # Closing inside an atomic block (a test's own transaction) would end it.
        if not connection.in_atomic_block:
            connection.close()


class AsyncAPIView(APIView):
    """An APIView whose handlers are coroutines (`async def post`)."""

    async def dispatch(  # type: ignore[override]
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        self.args, self.kwargs = args, kwargs
        drf_request = self.initialize_request(request, *args, **kwargs)
        self.request = drf_request
        self.headers = self.default_response_headers
        try:
            await db_step(self.initial)(drf_request, *args, **kwargs)
            method = (drf_request.method or "").lower()
            handler = (
                getattr(self, method, self.http_method_not_allowed)
                if method in self.http_method_names
                else self.http_method_not_allowed
            )
            response = handler(drf_request, *args, **kwargs)
            if isinstance(response, Awaitable):
                response = await response
        except Exception as exc:  # rendered in the envelope as DRF does; others re-raised
            response = self.handle_exception(exc)
        self.response = self.finalize_response(drf_request, response, *args, **kwargs)
        return self.response
