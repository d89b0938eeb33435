import logging

import pytest
from django.core.mail import EmailMultiAlternatives, send_mail

from accounts.errors import EmailDeliveryFailed
from tests.logs import everything_logged


def test_email_goes_through_the_resend_sdk(fake_resend):
    sent = send_mail("Welcome", "Hello there", "OurShiksha <no-reply@ourshiksha.ai>", ["s@e.com"])
    assert sent == 1
    (request,) = fake_resend.requests
    assert request.method == "POST" and request.path == "/emails"
    assert request.headers["authorization"] == "Bearer re_test_key_for_the_fake_server"
    assert "resend-python" in request.headers["user-agent"]
    assert request.json() == {
        "from": "OurShiksha <no-reply@ourshiksha.ai>",
        "to": ["s@e.com"],
        "subject": "Welcome",
        "text": "Hello there",
    }


def test_html_alternative_and_default_sender(fake_resend, settings):
    message = EmailMultiAlternatives("Hi", "plain", None, ["s@e.com"])
    message.attach_alternative("<p>html</p>", "text/html")
    message.send()
    body = fake_resend.last_email_to("s@e.com")
    assert body["html"] == "<p>html</p>" and body["from"] == settings.DEFAULT_FROM_EMAIL


@pytest.mark.parametrize("status", [422, 500])
def test_resend_error_reply_is_a_clear_503(fake_resend, status, caplog):
    fake_resend.fail_next(status)
    with caplog.at_level(logging.ERROR), pytest.raises(EmailDeliveryFailed) as raised:
        send_mail("Hi", "body", None, ["s@e.com"])
    assert raised.value.status_code == 503 and raised.value.code == "email_delivery_failed"
    assert "re_test_key" not in everything_logged(caplog.records)


def test_connection_refused_is_a_clear_503(fake_resend, settings):
    settings.RESEND_API_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    with pytest.raises(EmailDeliveryFailed):
        send_mail("Hi", "body", None, ["s@e.com"])


def test_fail_silently_counts_failures_without_raising(fake_resend):
    fake_resend.fail_next(500)
    assert send_mail("Hi", "body", None, ["s@e.com"], fail_silently=True) == 0


def test_without_key_the_console_backend_is_the_default():
    from django.conf import settings

    # Tests run with Django's locmem backend; settings fall back to the console one.
    import config.settings as project_settings

    assert not project_settings.RESEND_API_KEY
    assert project_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
