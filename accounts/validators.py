"""Rules for what students type: their email (normalised), their password (Django's validators),
usernames and profile links."""

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from accounts.models import User
from config.errors import InvalidInput

USERNAME_FORMAT = re.compile(r"^[a-z0-9_]{3,30}$")

# Usernames end up in public URLs (portfolios) and on pages; these would impersonate the
# platform or collide with its own paths.
RESERVED_USERNAMES = frozenset(
    {
        "about", "account", "accounts", "admin", "administrator", "api", "app", "auth",
        "billing", "blog", "certificate", "certificates", "contact", "courses", "dashboard",
        "docs", "guru", "help", "home", "login", "logout", "mail", "me", "mithra", "null",
        "ourshiksha", "payments", "portfolio", "privacy", "profile", "root", "security",
        "settings", "shishya", "signup", "staff", "static", "support", "system", "team",
        "terms", "undefined", "user", "users", "verify", "wallet", "www",
    }
)  # fmt: skip

http_url = URLValidator(schemes=["http", "https"])


def username_validate(value: str) -> None:
    """value is already lowercased: usernames are case-insensitive."""
    if not USERNAME_FORMAT.match(value):
        raise ValidationError("Use 3 to 30 characters: letters, digits and underscores.")
    if value in RESERVED_USERNAMES:
        raise ValidationError("This username is reserved.")


def email_normalize(email: str) -> str:
    return email.strip().lower()


def password_validate(*, password: str, user: User, field: str) -> None:
    """Django's validators (length, common, numeric, similar to email or name)."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput(fields={field: list(exc.messages)}) from None
