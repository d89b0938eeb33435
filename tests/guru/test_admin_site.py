"""The Django admin site at /guru/admin/ opens only for an admin who passed the email OTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import OtpChallenge
from guru.admin_site import SITE_SESSION_KEY
from guru.models import AdminSession
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, AdminFactory
from tests.factories import PASSWORD as STUDENT_PASSWORD
from tests.guru.conftest import (
    bearer,
    emailed_code,
    sign_in,
    site_sign_in,
    wrong,
)

# Transactional: the code is emailed once the login's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

INDEX = "/guru/admin/"
LOGIN = "/guru/admin/login/"
VERIFY = "/guru/admin/login/verify/"


def refused(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def password_step(client, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def test_anonymous_visitor_is_sent_to_the_login(client, db):
    assert refused(client.get(INDEX))
    page = client.get(LOGIN)
    assert page.status_code == 200 and b'name="password"' in page.content


def test_student_session_never_opens_the_site(client, student):
    client.force_login(student)
    assert refused(client.get(INDEX))


def test_password_only_session_never_opens_the_site(client, admin):
    client.force_login(admin)  # e.g. an admin who signed in through a student login
    assert refused(client.get(INDEX))
    assert refused(client.get("/guru/admin/guru/adminsession/"))


def test_password_step_alone_does_not_open_the_site(client, admin, fake_resend):
    response = password_step(client)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    email = fake_resend.last_email_to(ADMIN_EMAIL)
    assert email["subject"] == "OurShiksha Admin Verification Code"
    assert refused(client.get(INDEX))


def test_password_and_otp_open_the_site(client, fake_resend):
    new_admin = AdminFactory()  # as createadmin leaves one: the email not yet proven
    site_sign_in(client, fake_resend, new_admin.email)
    index = client.get(INDEX)
    assert index.status_code == 200 and b"OurShiksha Guru administration" in index.content
    session = AdminSession.objects.get()
    assert session.channel == "site" and client.session[SITE_SESSION_KEY] == str(session.id)
    new_admin.refresh_from_db()
    assert new_admin.email_verified_at is not None


def test_wrong_password_looks_like_the_right_one_but_no_code_opens_it(client, admin, fake_resend):
    response = password_step(client, password="not-the-password")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    fake_resend.settle()
    assert fake_resend.emails == []
    page = client.post(VERIFY, {"otp": "123456"})
    assert page.status_code == 200 and b"not valid" in page.content
    assert refused(client.get(INDEX))


def test_student_credentials_do_not_open_the_site(client, student, fake_resend):
    password_step(client, student.email, STUDENT_PASSWORD)
    fake_resend.settle()
    assert fake_resend.emails == []
    client.post(VERIFY, {"otp": "123456"})
    assert refused(client.get(INDEX))


def test_wrong_code_on_the_site_is_refused(client, admin, fake_resend):
    password_step(client)
    page = client.post(VERIFY, {"otp": wrong(emailed_code(fake_resend))})
    assert page.status_code == 200 and b"incorrect" in page.content
    assert refused(client.get(INDEX)) and not AdminSession.objects.exists()


def test_expired_code_on_the_site_is_refused(client, admin, fake_resend):
    password_step(client)
    code = emailed_code(fake_resend)
    OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.post(VERIFY, {"otp": code})
    assert b"expired" in page.content and refused(client.get(INDEX))


def test_verify_step_without_the_password_step_goes_back_to_login(client, admin):
    response = client.post(VERIFY, {"otp": "123456"})
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_auth_sessions_are_listed_read_only(client, admin, fake_resend):
    site_sign_in(client, fake_resend)
    listing = client.get("/guru/admin/guru/adminsession/")
    assert listing.status_code == 200 and ADMIN_EMAIL.encode() in listing.content
    session = AdminSession.objects.get()
    detail = client.get(f"/guru/admin/guru/adminsession/{session.pk}/change/")
    assert detail.status_code == 200
    assert b'type="submit" value="Save"' not in detail.content
    assert client.get("/guru/admin/guru/adminsession/add/").status_code == 403


def test_logout_ends_the_site_session(client, admin, fake_resend):
    site_sign_in(client, fake_resend)
    assert client.post("/guru/admin/logout/").status_code == 200
    assert AdminSession.objects.get().end_reason == "logout"
    assert refused(client.get(INDEX))


def test_site_session_goes_idle(client, admin, fake_resend):
    site_sign_in(client, fake_resend)
    AdminSession.objects.update(last_seen_at=timezone.now() - timedelta(minutes=31))
    assert refused(client.get(INDEX))


def test_site_session_ends_at_its_absolute_lifetime(client, admin, fake_resend):
    site_sign_in(client, fake_resend)
    AdminSession.objects.update(created_at=timezone.now() - timedelta(hours=12, minutes=1))
    assert refused(client.get(INDEX))


def test_demoted_admin_loses_the_site_at_once(client, admin, fake_resend):
    site_sign_in(client, fake_resend)
    admin.role = "STUDENT"
    admin.save()
    assert refused(client.get(INDEX))


def test_api_token_does_not_open_the_site_nor_a_site_session_the_api(client, admin, fake_resend):
    tokens = sign_in(client, fake_resend)
    assert refused(client.get(INDEX, **bearer(tokens["access"])))
    site_sign_in(client, fake_resend)
    assert client.post("/api/admin/auth/logout").status_code == 401


def test_password_change_on_the_site_ends_every_session(client, admin, fake_resend):
    tokens = sign_in(client, fake_resend)
    site_sign_in(client, fake_resend)
    response = client.post(
        "/guru/admin/password_change/",
        {
            "old_password": ADMIN_PASSWORD,
            "new_password1": "a-brand-new-passphrase-77",
            "new_password2": "a-brand-new-passphrase-77",
        },
    )
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert set(AdminSession.objects.values_list("end_reason", flat=True)) == {"password_changed"}
    assert refused(client.get(INDEX))
    api = client.post("/api/admin/auth/logout", **bearer(tokens["access"]))
    assert api.status_code == 401


def test_site_login_is_rate_limited(client, admin):
    statuses = [password_step(client, password=f"guess-{n}").status_code for n in range(11)]
    assert statuses == [302] * 10 + [429]


def test_next_is_kept_only_for_local_paths(client, admin, fake_resend):
    client.post(
        f"{LOGIN}?next=/guru/admin/guru/adminsession/",
        {"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
    )
    done = client.post(
        VERIFY + "?next=/guru/admin/guru/adminsession/", {"otp": emailed_code(fake_resend)}
    )
    assert done["Location"] == "/guru/admin/guru/adminsession/"
    client.logout()
    client.post(LOGIN, {"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    done = client.post(VERIFY + "?next=https://evil.example/", {"otp": emailed_code(fake_resend)})
    assert done["Location"] == INDEX


def test_a_right_password_on_the_site_answers_like_a_wrong_one_every_time(
    client, admin, fake_resend
):
    for password in (ADMIN_PASSWORD, "not-the-password", ADMIN_PASSWORD, ADMIN_PASSWORD):
        answer = password_step(client, password=password)
        assert answer.status_code == 302 and answer["Location"].startswith(VERIFY)
