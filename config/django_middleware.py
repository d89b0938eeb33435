"""Django's own middleware, with the hooks that do no I/O run on the event loop under the
async handler.

Under Django's async handler, MiddlewareMixin runs every process_request and process_response
through a thread hop of its own (sync_to_async), each a handoff between the event loop and a
thread that waits for the loop when the loop is busy. These hooks only read the request and
set headers, cookies and lazy attributes (the session and the user load when first read, in a
view's own thread step), so here they run inline. The session's process_response, which may
save the session, keeps its thread. Under the sync handler nothing changes:
MiddlewareMixin.__call__ runs the hooks as Django does.

Security, CSRF and X-Frame-Options keep Django's classes (and their hops): Django's deploy
checks find them by their paths in MIDDLEWARE, and would pass vacuously without them.
"""

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponseBase
from django.middleware import common


class HooksInLoop:
    """For a MiddlewareMixin whose process_request and process_response do no I/O."""

    get_response: Any

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = None
        if process_request := getattr(self, "process_request", None):
            response = process_request(request)
        response = response or await self.get_response(request)
        if process_response := getattr(self, "process_response", None):
            response = process_response(request, response)
        return response


class CommonMiddleware(HooksInLoop, common.CommonMiddleware):
    pass


class AuthenticationMiddleware(HooksInLoop, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(HooksInLoop, messages.MessageMiddleware):
    pass


class SessionMiddleware(sessions.SessionMiddleware):
    """The session store is made lazily in the loop; saving it keeps a thread."""

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        self.process_request(request)
        response = await self.get_response(request)  # type: ignore[misc]
        return await sync_to_async(self.process_response, thread_sensitive=True)(request, response)
