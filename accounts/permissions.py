"""Who may use the student API."""

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User


class IsStudent(BasePermission):
    """A logged-in student. Without a session DRF answers 401; an admin's session (from
    the Django admin site) never counts as a student's."""

    message = "Students only."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role == User.Role.STUDENT)
