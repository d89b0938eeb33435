"""A change of password, email, role or activity ends every session of the account, student
(database sessions) and admin (API tokens, the admin site) alike, whatever made the change:
a service or the admin site (save()), or any other write (on PostgreSQL a trigger)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import F
from django.test import Client

from accounts.models import User
from guru.admin_site import SITE_SESSION_KEY
from guru.models import AdminSession
from guru.tokens import admin_tokens_issue
from tests.accounts.helpers import Browser, log_in

# student and admin: the verified student and admin of tests/conftest.py

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="writes that bypass save() are caught by a trigger"
)


def password_change(user):
    return [("password", make_password("another-long-passphrase-42"))]


def email_change(user):
    return [("email", "renamed." + user.email)]


def role_change_and_back(user):
    other = User.Role.ADMIN if user.role == User.Role.STUDENT else User.Role.STUDENT
    return [("role", other), ("role", user.role)]


def deactivation_then_reactivation(user):
    return [("is_active", False), ("is_active", True)]


CHANGES = [password_change, email_change, role_change_and_back, deactivation_then_reactivation]


def by_save(user, field, value):
    user = User.objects.get(pk=user.pk)
    setattr(user, field, value)
    user.save()


def by_queryset_update(user, field, value):
    User.objects.filter(pk=user.pk).update(**{field: value})


WRITERS = [by_save, pytest.param(by_queryset_update, marks=postgres_only)]


def apply(change, writer, user):
    for field, value in change(user):
        writer(user, field, value)


def admin_token(admin) -> str:
    session = AdminSession.objects.create(
        user=admin, channel=AdminSession.Channel.API, credentials_version=admin.credentials_version
    )
    return admin_tokens_issue(session=session).access


def admin_site_client(admin) -> Client:
    session = AdminSession.objects.create(
        user=admin,
        channel=AdminSession.Channel.SITE,
        credentials_version=admin.credentials_version,
    )
    client = Client()
    client.force_login(admin)
    django_session = client.session
    django_session[SITE_SESSION_KEY] = str(session.pk)
    django_session.save()
    return client


def admin_api(token: str):
    return Client().get("/api/admin/audit-log", HTTP_AUTHORIZATION=f"Bearer {token}")


def site_opens(client: Client) -> bool:
    return client.get("/guru/admin/").status_code == 200


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("change", CHANGES)
def test_a_credential_change_ends_every_student_session(student, change, writer):
    laptop, phone = Browser(), Browser()
    log_in(laptop)
    log_in(phone)
    assert laptop.get("/api/auth/me").status_code == 200
    apply(change, writer, student)
    for browser in (laptop, phone):
        response = browser.get("/api/auth/me")
        assert response.status_code == 401, change.__name__
        assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("change", CHANGES)
def test_a_credential_change_ends_every_admin_session(admin, change, writer):
    token, site = admin_token(admin), admin_site_client(admin)
    assert admin_api(token).status_code == 200 and site_opens(site)
    apply(change, writer, admin)
    ended = admin_api(token)
    assert ended.status_code == 401, change.__name__
    assert ended.json()["error"]["code"] == "admin_session_ended"
    assert not site_opens(site)


@pytest.mark.parametrize("writer", WRITERS)
def test_other_changes_keep_every_session(student, admin, writer):
    browser = Browser()
    log_in(browser)
    token, site = admin_token(admin), admin_site_client(admin)
    for user in (student, admin):
        writer(user, "name", "Renamed")
        writer(user, "headline", "still me")
    assert browser.get("/api/auth/me").status_code == 200
    assert admin_api(token).status_code == 200 and site_opens(site)


@pytest.mark.parametrize("writer", WRITERS)
def test_each_change_bumps_the_version_exactly_once(student, writer):
    writer(student, "email", "once@example.com")
    assert User.objects.get(pk=student.pk).credentials_version == student.credentials_version + 1


def test_a_writer_that_bumps_the_version_itself_is_not_bumped_again(student):
    User.objects.filter(pk=student.pk).update(
        password=make_password("another-long-passphrase-42"),
        credentials_version=F("credentials_version") + 1,
    )
    assert User.objects.get(pk=student.pk).credentials_version == student.credentials_version + 1


def test_the_account_signs_in_afresh_after_a_change(student):
    browser = Browser()
    log_in(browser)
    apply(deactivation_then_reactivation, by_save, student)
    assert browser.get("/api/auth/me").status_code == 401
    log_in(browser)
    assert browser.get("/api/auth/me").status_code == 200
