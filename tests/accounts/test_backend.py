import pytest
from django.utils import timezone

from accounts.backends import UserBackend
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_session_user_is_read_with_every_field_converted():
    created = User.objects.create_user(
        "reader@example.com", "a-long-passphrase", email_verified_at=timezone.now()
    )
    User.objects.filter(pk=created.pk).update(links=[{"label": "site", "url": "https://a.example"}])
    user = UserBackend().get_user(created.pk)
    assert user == User.objects.get(pk=created.pk)
    assert user.links == [{"label": "site", "url": "https://a.example"}]
    assert user.email_verified_at == created.email_verified_at
    assert timezone.is_aware(user.date_joined)
    assert user.check_password("a-long-passphrase")


def test_an_inactive_or_unknown_user_has_no_session_user():
    user = User.objects.create_user("gone@example.com", "a-long-passphrase", is_active=False)
    assert UserBackend().get_user(user.pk) is None
    assert UserBackend().get_user(user.pk + 1000) is None
