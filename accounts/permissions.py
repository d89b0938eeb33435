"""Who may use the student API, and the student a request is made by."""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import User
from config.errors import NotAuthenticated

if TYPE_CHECKING:
    # rest_framework.views imports this module through DEFAULT_PERMISSION_CLASSES.
    from rest_framework.views import APIView


class IsStudent(BasePermission):
    """A logged-in student: the default permission of every API view (settings). Without a
    student's session DRF answers 401 (an admin site session does not authenticate on the
    student API at all); any other authenticated caller gets 403."""

    message = "Students only."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        user = request.user
        # A system caller or an API key's client has no role at all.
        return bool(
            user and user.is_authenticated and getattr(user, "role", None) == User.Role.STUDENT
        )


def student_of(request: Request | HttpRequest) -> User:
    """The signed-in student a request is made by, typed as the project's User (request.user
    is typed as "a user or AnonymousUser"). Every route behind IsStudent has one; anywhere
    else there is none to return, and the request is answered 401."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated()
    return user
