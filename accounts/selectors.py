"""Reads every student feature shares: the student by email, and that student locked for an
update."""

from accounts.models import User


def student_by_email(*, email: str) -> User | None:
    """The active student with this (normalised) email; admins are never students."""
    return User.objects.filter(email=email, role=User.Role.STUDENT, is_active=True).first()


def student_for_update(*, email: str) -> User | None:
    """The student with this email, their row locked until the transaction ends."""
    user = student_by_email(email=email)
    return None if user is None else User.objects.select_for_update().get(pk=user.pk)
