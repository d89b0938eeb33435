import pytest

from tests.fakes.guru import FakeGuru, platform_settings

PRICING = {
    "actions": [
        {"action": "resume_review", "credits": 10, "directly_chargeable": True},
        {"action": "mithra_question", "credits": 2, "directly_chargeable": False},
    ],
    "credit_packs": [],
    "plans": [],
}


@pytest.fixture
def guru(settings):
    """Guru's pricing and settings as the public API serves them."""
    with FakeGuru() as server:
        server.documents["/api/public/pricing"] = PRICING
        server.documents["/api/public/settings"] = platform_settings(welcome_credits=50)
        settings.GURU_BASE_URL = server.url
        settings.GURU_API_KEY = "ais_" + "1" * 64
        settings.GURU_RETRY_BACKOFF_SECONDS = 0
        yield server
