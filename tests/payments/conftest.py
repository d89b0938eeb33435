import pytest
from django.test import Client

from tests.factories import StudentFactory
from tests.fakes.guru import FakeGuru, platform_settings
from tests.fakes.razorpay import KEY_ID, KEY_SECRET, FakeRazorpay
from tests.payments.helpers import PRICING, WEBHOOK_SECRET


@pytest.fixture
def guru(settings):
    """Guru's public pricing: two credit packs, two plans on sale and a free plan."""
    with FakeGuru() as server:
        server.documents["/api/public/pricing"] = PRICING
        server.documents["/api/public/settings"] = platform_settings(welcome_credits=0)
        settings.GURU_BASE_URL = server.url
        settings.GURU_API_KEY = "ais_" + "1" * 64
        settings.GURU_RETRY_BACKOFF_SECONDS = 0
        yield server


@pytest.fixture
def razorpay(settings):
    """A local Razorpay the real SDK is pointed at, with payments configured."""
    with FakeRazorpay() as server:
        settings.RAZORPAY_KEY_ID = KEY_ID
        settings.RAZORPAY_KEY_SECRET = KEY_SECRET
        settings.RAZORPAY_BASE_URL = server.url
        settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.RAZORPAY_PREVIOUS_WEBHOOK_SECRET = ""
        settings.RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT = None
        yield server


@pytest.fixture
def other_client(db):
    client = Client()
    client.force_login(StudentFactory(email="other@example.com", verified=True))
    return client
