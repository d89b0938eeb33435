"""Payments may be off in production; half a Razorpay configuration is refused."""

import pytest

from tests.config.test_production_settings import run_manage

KEYS = {"RAZORPAY_KEY_ID": "rzp_live_x", "RAZORPAY_KEY_SECRET": "secret"}


def test_production_starts_with_payments_off():
    assert run_manage("check").returncode == 0


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"RAZORPAY_KEY_ID": "rzp_live_x"}, "are set together"),
        (KEYS, "RAZORPAY_WEBHOOK_SECRET is required"),
        (
            {**KEYS, "RAZORPAY_WEBHOOK_SECRET": "w", "RAZORPAY_PREVIOUS_WEBHOOK_SECRET": "old"},
            "RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT",
        ),
        (
            {
                **KEYS,
                "RAZORPAY_WEBHOOK_SECRET": "w",
                "RAZORPAY_PREVIOUS_WEBHOOK_SECRET": "old",
                "RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT": "2030-01-01T00:00:00",
            },
            "needs a time zone",
        ),
    ],
)
def test_half_a_razorpay_configuration_is_refused(env, complaint):
    result = run_manage("check", **env)
    assert result.returncode != 0 and complaint in result.stderr


def test_a_complete_configuration_starts():
    env = {
        **KEYS,
        "RAZORPAY_WEBHOOK_SECRET": "w",
        "RAZORPAY_PREVIOUS_WEBHOOK_SECRET": "old",
        "RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT": "2030-01-01T00:00:00+05:30",
    }
    assert run_manage("check", **env).returncode == 0
