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
from rest_framework.request import Request
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
    """An APIView whose handlers are coroutines (`async def post`).

    A handler whose first step is database work names it `begin_<method>` (a sync method
    taking the request): it runs in the same thread step as DRF's checks, one hop and one
    pooled connection instead of two, and the handler gets its result as its second argument.
    """

    async def dispatch(  # type: ignore[override]
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        self.args, self.kwargs = args, kwargs
        drf_request = self.initialize_request(request, *args, **kwargs)
        self.request = drf_request
        self.headers = self.default_response_headers
        try:
            method = (drf_request.method or "").lower()
            handler = (
                getattr(self, method, self.http_method_not_allowed)
                if method in self.http_method_names
                else self.http_method_not_allowed
            )
            begin = getattr(self, f"begin_{method}", None)
            if handler == self.http_method_not_allowed:
                begin = None
            begun = await db_step(self._checked_and_begun)(begin, drf_request, *args, **kwargs)
            handler_args = args if begin is None else (begun, *args)
            response = handler(drf_request, *handler_args, **kwargs)
            if isinstance(response, Awaitable):
                response = await response
        except Exception as exc:  # rendered in the envelope as DRF does; others re-raised
            response = self.handle_exception(exc)
        self.response = self.finalize_response(drf_request, response, *args, **kwargs)
        return self.response

    def _checked_and_begun(
        self, begin: Callable[..., Any] | None, request: Request, *args: Any, **kwargs: Any
    ) -> Any:
        """DRF's checks (authentication, permissions, throttles, content negotiation), then the
        handler's first step, if it has one."""
        self.initial(request, *args, **kwargs)
        return None if begin is None else begin(request, *args, **kwargs)
