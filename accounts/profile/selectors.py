"""Reads of profiles: whether a username is someone else's."""

from accounts.models import User


def username_taken(*, username: str | None, user: User) -> bool:
    return bool(username) and User.objects.filter(username=username).exclude(pk=user.pk).exists()
