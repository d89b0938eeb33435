"""Student sessions in the database with the cache in front (Django's cached_db), read from
the database alone while the cache is down: the session middleware runs outside every view's
error handling, so a cache error there would turn an answered request into a 500. Deleting
still needs the cache (a logout must not leave a cached copy to come back with Redis)."""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

from config.exception_handler import CACHE_DOWN_ERRORS

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def exists(self, session_key: str) -> bool:
        try:
            return super().exists(session_key)
        except CACHE_DOWN_ERRORS:
            logger.warning("session cache unavailable: existence read from the database")
            return DBStore.exists(self, session_key)

    def load(self) -> dict:
        try:
            return super().load()
        except CACHE_DOWN_ERRORS:
            logger.warning("session cache unavailable: session read from the database")
            # Django's own database read; its stubs leave the private method out.
            session = self._get_session_from_db()  # type: ignore[attr-defined]
            return self.decode(session.session_data) if session else {}
