import pytest

from tests.accounts.helpers import Browser


@pytest.fixture
def browser() -> Browser:
    return Browser()
