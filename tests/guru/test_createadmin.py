"""manage.py createadmin: the only way an admin account comes to exist."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.factories import PASSWORD as STUDENT_PASSWORD
from tests.guru.conftest import PROBE, bearer, sign_in

# Transactional: the code is emailed once the login's transaction commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.guru.probe_urls")]
NEW_PASSWORD = "a-brand-new-passphrase-77"


def createadmin(*args: str, stdin: str = f"{ADMIN_PASSWORD}\n") -> str:
    out = io.StringIO()
    call_command("createadmin", *args, stdin=io.StringIO(stdin), stdout=out)
    return out.getvalue()


def test_creates_an_admin_with_a_bcrypt_hash(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    output = createadmin("--email", "New.Admin@OurShiksha.ai", "--name", "New Admin")
    assert "created" in output and ADMIN_PASSWORD not in output
    admin = User.objects.get()
    assert admin.email == "new.admin@ourshiksha.ai" and admin.name == "New Admin"
    assert admin.role == User.Role.ADMIN and admin.is_admin and admin.is_active
    assert admin.password.startswith("bcrypt_sha256$") and admin.check_password(ADMIN_PASSWORD)
    assert admin.email_verified_at is None  # proven by the first OTP sign-in


def test_password_is_never_an_argument():
    with pytest.raises(CommandError, match="unrecognized arguments"):
        createadmin("--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD)
    assert not User.objects.exists()


@pytest.mark.parametrize("password", ["", "12345678", "short", "asha.admin@ourshiksha.ai"])
def test_weak_or_missing_passwords_are_refused(password):
    with pytest.raises(CommandError):
        createadmin("--email", ADMIN_EMAIL, "--name", "Asha", stdin=f"{password}\n")
    assert not User.objects.exists()


def test_an_existing_account_is_never_turned_into_an_admin(student):
    with pytest.raises(CommandError, match="already exists"):
        createadmin("--email", student.email.upper())
    student.refresh_from_db()
    assert student.role == User.Role.STUDENT


def test_invalid_email_is_refused():
    with pytest.raises(CommandError, match="valid email"):
        createadmin("--email", "not-an-email")


@pytest.mark.django_db(transaction=True)  # the code's email leaves after commit
def test_reset_password_ends_every_session(client, admin, fake_resend):
    tokens = sign_in(client, fake_resend)
    output = createadmin("--email", ADMIN_EMAIL, "--reset-password", stdin=f"{NEW_PASSWORD}\n")
    assert "sessions have ended" in output
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)
    response = client.get(PROBE, **bearer(tokens["access"]))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "admin_session_ended"


def test_reset_password_is_for_admins_only(student):
    with pytest.raises(CommandError, match="No admin"):
        createadmin("--email", student.email, "--reset-password", stdin=f"{NEW_PASSWORD}\n")
    student.refresh_from_db()
    assert student.check_password(STUDENT_PASSWORD)
