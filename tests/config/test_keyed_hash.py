import pytest
from django.core.exceptions import ImproperlyConfigured

from config.keyed_hash import keyed_hash, keyed_hash_candidates, keyed_hash_matches


def test_hash_is_versioned_hmac_not_the_value(settings):
    settings.KEYED_HASH_PEPPERS = "2:pepper-two"
    stored = keyed_hash("123456", purpose="otp")
    assert stored.startswith("2$") and len(stored) == 2 + 64
    assert "123456" not in stored
    assert keyed_hash_matches("123456", stored, purpose="otp")
    assert not keyed_hash_matches("123457", stored, purpose="otp")


def test_purpose_separates_domains(settings):
    stored = keyed_hash("same-value", purpose="otp")
    assert not keyed_hash_matches("same-value", stored, purpose="api_key")


def test_does_not_depend_on_secret_key(settings):
    stored = keyed_hash("value", purpose="otp")
    settings.SECRET_KEY = "a-completely-different-secret-key-after-rotation-0123456789"
    assert keyed_hash_matches("value", stored, purpose="otp")


def test_rotation_keeps_old_hashes_valid_until_pepper_retired(settings):
    settings.KEYED_HASH_PEPPERS = "1:old"
    old = keyed_hash("value", purpose="otp")
    settings.KEYED_HASH_PEPPERS = "2:new,1:old"
    assert keyed_hash("value", purpose="otp").startswith("2$")
    assert keyed_hash_matches("value", old, purpose="otp")
    assert old in keyed_hash_candidates("value", purpose="otp")
    settings.KEYED_HASH_PEPPERS = "2:new"
    assert not keyed_hash_matches("value", old, purpose="otp")


def test_different_pepper_gives_different_hash(settings):
    settings.KEYED_HASH_PEPPERS = "1:a"
    first = keyed_hash("value", purpose="otp")
    settings.KEYED_HASH_PEPPERS = "1:b"
    assert keyed_hash("value", purpose="otp") != first


def test_malformed_pepper_setting_is_refused(settings):
    settings.KEYED_HASH_PEPPERS = "no-version"
    with pytest.raises(ImproperlyConfigured):
        keyed_hash("value", purpose="otp")
