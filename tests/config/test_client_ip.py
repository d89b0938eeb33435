import pytest
from django.test import RequestFactory

from config.client_ip import client_ip


@pytest.fixture
def request_from():
    def make(remote_addr: str, forwarded: str | None = None):
        extra = {"REMOTE_ADDR": remote_addr}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **extra)

    return make


def test_without_trusted_proxies_remote_addr_is_used(settings, request_from):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_one_trusted_proxy_uses_the_address_it_appended(settings, request_from):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", "198.51.100.7")) == "198.51.100.7"


def test_spoofed_header_cannot_choose_the_ip(settings, request_from):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the real address.
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_two_trusted_proxies(settings, request_from):
    settings.TRUSTED_PROXY_COUNT = 2
    forwarded = "1.2.3.4, 198.51.100.7, 10.0.0.1"
    assert client_ip(request_from("10.0.0.2", forwarded)) == "198.51.100.7"


def test_missing_or_short_header_falls_back_to_remote_addr(settings, request_from):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2", "198.51.100.7")) == "10.0.0.2"


def test_garbage_in_header_falls_back_to_remote_addr(settings, request_from):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", "not-an-ip")) == "10.0.0.2"


def test_ipv6_is_normalised(settings, request_from):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", "2001:DB8::0001")) == "2001:db8::1"


def test_rate_limits_use_client_ip(settings):
    assert settings.RATELIMIT_IP_META_KEY == "config.client_ip.client_ip"
