"""Updating the student's profile."""

import enum

from django.db import IntegrityError, transaction

from accounts.errors import UsernameTaken
from accounts.models import User
from accounts.profile.selectors import username_taken


class _Unset(enum.Enum):
    """A profile field the update leaves alone (None is a value: no username)."""

    UNSET = enum.auto()


UNSET = _Unset.UNSET


def profile_update(
    *,
    user: User,
    name: str | _Unset = UNSET,
    username: str | _Unset | None = UNSET,
    headline: str | _Unset = UNSET,
    bio: str | _Unset = UNSET,
    links: list[str] | _Unset = UNSET,
    avatar_url: str | _Unset = UNSET,
    portfolio_visibility: str | _Unset = UNSET,
) -> User:
    """Applies validated profile changes; fields left UNSET keep their value. A username
    someone else holds is a conflict."""
    changes = {
        field: value
        for field, value in {
            "name": name,
            "username": username,
            "headline": headline,
            "bio": bio,
            "links": links,
            "avatar_url": avatar_url,
            "portfolio_visibility": portfolio_visibility,
        }.items()
        if value is not UNSET
    }
    new_username = None if isinstance(username, _Unset) else username
    if username_taken(username=new_username, user=user):
        raise UsernameTaken(fields={"username": [UsernameTaken.message]})
    for field, value in changes.items():
        setattr(user, field, value)
    try:
        with transaction.atomic():
            user.save(update_fields=list(changes))
    except IntegrityError:
        if not username_taken(username=new_username, user=user):
            raise
        # Taken between the check and the save.
        raise UsernameTaken(fields={"username": [UsernameTaken.message]}) from None
    return user
