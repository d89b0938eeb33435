"""Who may use Guru's admin API."""

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User


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
