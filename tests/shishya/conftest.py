import pytest

from tests.guru.catalogue import api_key


@pytest.fixture
def real_guru(live_server, settings):
    """The student side reading this project's own Guru public API over real HTTP."""
    settings.GURU_BASE_URL = live_server.url
    settings.GURU_API_KEY = api_key("catalog", "grading")
    settings.GURU_RETRY_BACKOFF_SECONDS = 0
    return live_server
