import pytest
from django.core.cache import cache
from django.test.utils import override_settings

from tests.fakes.resend import FakeResend


def pytest_configure(config: pytest.Config) -> None:
    # Tests hash passwords thousands of times; production keeps bcrypt (config.settings).
    override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ).enable()


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and cached reads never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake_resend(settings):
    """A local server speaking Resend's API; the real SDK is pointed at it."""
    with FakeResend() as server:
        settings.RESEND_API_KEY = "re_test_key_for_the_fake_server"
        settings.RESEND_API_URL = server.url
        settings.EMAIL_BACKEND = "accounts.email.ResendEmailBackend"
        yield server
