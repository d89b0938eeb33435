"""System checks: what the wallet's plain SQL needs from the database."""

import sqlite3
from typing import Any

from django.core.checks import Error, register
from django.db import connections

# INSERT ... ON CONFLICT ... RETURNING and UPDATE ... RETURNING (wallet.models).
SQLITE_RETURNING = (3, 35)


@register()
def sqlite_supports_returning(**kwargs: Any) -> list[Error]:
    if connections["default"].vendor != "sqlite" or sqlite3.sqlite_version_info >= SQLITE_RETURNING:
        return []
    return [
        Error(
            f"SQLite {sqlite3.sqlite_version} cannot run the wallet's statements (RETURNING).",
            hint="Use a Python built with SQLite 3.35 or newer, or set DATABASE_URL to PostgreSQL.",
            id="wallet.E001",
        )
    ]
