"""Production mode refuses unsafe configuration, and passes Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAFE = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "prod-test-" + "k7Qx9vR2mZ4wL8pT1nB6yH3cF5jD0sA" * 2,
    "KEYED_HASH_PEPPERS": "1:prod-test-pepper-value",
    "OTP_CODE_KEYS": "1:prod-test-otp-code-key-value",
    "ALLOWED_HOSTS": "api.ourshiksha.ai",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
    "ADMIN_JWT_SIGNING_KEY": "prod-test-admin-jwt-" + "Hq3Lw8Zr5Tn1Vb7Kx2Md" * 2,
    "GURU_BASE_URL": "https://guru.internal.ourshiksha.ai",
    "GURU_API_KEY": "ais_" + "5e" * 32,
    "RESEND_API_KEY": "re_prod_test_key",
    "PUBLIC_BASE_URL": "https://ourshiksha.ai",
}


def run_manage(*args: str, **env_changes: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SAFE and k != "DEBUG"}
    env.update(SAFE)
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_deploy_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is required"),
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"KEYED_HASH_PEPPERS": None}, "KEYED_HASH_PEPPERS is required"),
        ({"OTP_CODE_KEYS": None}, "OTP_CODE_KEYS is required"),
        ({"REDIS_URL": None}, "REDIS_URL is required"),
        ({"RESEND_API_KEY": None}, "RESEND_API_KEY is required"),
        ({"RESEND_API_KEY": ""}, "RESEND_API_KEY is required"),
        ({"STUDENT_SPA_ORIGINS": "*"}, "STUDENT_SPA_ORIGINS must list origins"),
        ({"STUDENT_SPA_ORIGINS": "null"}, "STUDENT_SPA_ORIGINS must list origins"),
        (
            {"STUDENT_SPA_ORIGINS": "https://app.ourshiksha.ai,https://*.ourshiksha.ai"},
            "STUDENT_SPA_ORIGINS must list origins",
        ),
        ({"GURU_API_KEY": None}, "GURU_BASE_URL and GURU_API_KEY are required"),
        ({"GURU_BASE_URL": None}, "GURU_BASE_URL and GURU_API_KEY are required"),
        ({"PUBLIC_BASE_URL": None}, "PUBLIC_BASE_URL (https://...) is required"),
        ({"PUBLIC_BASE_URL": "http://ourshiksha.ai"}, "PUBLIC_BASE_URL (https://...) is required"),
    ],
)
def test_production_refuses_to_start_unsafely(change, complaint):
    result = run_manage("check", **change)
    assert result.returncode != 0
    assert complaint in result.stderr


def setting(name: str, **env_changes: str | None) -> str:
    code = f"from django.conf import settings; print(settings.{name})"
    result = run_manage("shell", "-v", "0", "-c", code, **env_changes)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_ratelimit_cache_checks_are_silenced_only_in_development_without_redis():
    development = {"DJANGO_ENV": None, "SECRET_KEY": None, "REDIS_URL": None}
    assert "django_ratelimit.E003" in setting("SILENCED_SYSTEM_CHECKS", **development)
    assert setting("SILENCED_SYSTEM_CHECKS") == "[]"
    assert "django_redis" in setting("CACHES")


def test_student_spa_origins_are_read_as_exact_origins():
    origins = "https://app.ourshiksha.ai, http://localhost:5173"
    assert setting("CORS_ALLOWED_ORIGINS", STUDENT_SPA_ORIGINS=origins) == (
        "['https://app.ourshiksha.ai', 'http://localhost:5173']"
    )


def test_production_sends_email_through_resend():
    assert setting("EMAIL_BACKEND") == "accounts.email.ResendEmailBackend"


def test_production_hashes_passwords_with_bcrypt_first():
    assert setting("PASSWORD_HASHERS").startswith(
        "['django.contrib.auth.hashers.BCryptSHA256PasswordHasher'"
    )


def test_production_queues_tasks_on_redis_unless_another_broker_is_named():
    assert setting("CELERY_BROKER_URL", CELERY_BROKER_URL=None) == SAFE["REDIS_URL"]
    rabbitmq = "amqp://ourshiksha:secret@127.0.0.1:5672/ourshiksha"
    assert setting("CELERY_BROKER_URL", CELERY_BROKER_URL=rabbitmq) == rabbitmq


def test_development_runs_tasks_in_process_without_a_broker():
    development = {"DJANGO_ENV": None, "SECRET_KEY": None, "CELERY_BROKER_URL": None}
    assert setting("CELERY_BROKER_URL", **development) == ""
