import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.accounts.helpers import PASSWORD, Browser


@pytest.fixture
def browser() -> Browser:
    return Browser()


@pytest.fixture
def student(db):
    """A verified student who can log in with PASSWORD."""
    return get_user_model().objects.create_user(
        "asha@example.com", PASSWORD, name="Asha", email_verified_at=timezone.now()
    )
