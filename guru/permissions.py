"""Who may use Guru's admin API, and the admin a request is made by."""

from django.http import HttpRequest
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from config.errors import NotAuthenticated


class IsGuruAdmin(BasePermission):
    """An active ADMIN. The authenticator loads request.user from the database on every
    request, so the role checked here is never one a token claims."""

    message = "Admins only."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and getattr(user, "role", None) == User.Role.ADMIN
        )


def admin_of(request: Request | HttpRequest) -> User:
    """The signed-in admin a request is made by (an admin API or admin site request), typed
    as the project's User. Every route behind IsGuruAdmin or the admin site's login has one;
    anywhere else there is none to return, and the request is answered 401."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated()
    return user
