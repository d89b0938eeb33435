"""DRF authentication for student sessions, with CSRF failures in the error envelope."""

from django.http import HttpRequest
from rest_framework import authentication, exceptions

from config.errors import Forbidden


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    message = "CSRF verification failed. Send the X-CSRFToken header."


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request: HttpRequest) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise CsrfFailed() from None
