from django.db import connection

from wallet import checks


def test_an_sqlite_without_returning_is_refused_at_start(monkeypatch):
    monkeypatch.setattr(checks.sqlite3, "sqlite_version_info", (3, 34, 1))
    monkeypatch.setattr(checks.sqlite3, "sqlite_version", "3.34.1")
    errors = checks.sqlite_supports_returning()
    if connection.vendor == "sqlite":
        assert [error.id for error in errors] == ["wallet.E001"]
    else:
        assert errors == []
