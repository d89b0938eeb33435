"""The admin audit log: written on every change (API and admin site), immutable, listable."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from guru.models import AdminAuditLog, AuditLogImmutable, Course, Lesson, PlatformSettings
from guru.selectors.commerce import platform_settings_get
from tests.factories import AdminFactory

# Transactional: the admin site sign-in emails its code once the login commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def audit_row(admin) -> AdminAuditLog:
    return AdminAuditLog.objects.create(
        admin=admin, action_type="CREATE", entity_type="COURSE", entity_id=1, changes={}
    )


# --- immutability ----------------------------------------------------------------------------


def test_the_model_refuses_to_update_or_delete_a_row(audit_row):
    audit_row.entity_id = 2
    with pytest.raises(AuditLogImmutable):
        audit_row.save()
    with pytest.raises(AuditLogImmutable):
        audit_row.delete()
    with pytest.raises(AuditLogImmutable):
        AdminAuditLog.objects.filter(pk=audit_row.pk).update(entity_id=3)
    with pytest.raises(AuditLogImmutable):
        AdminAuditLog.objects.all().delete()
    assert AdminAuditLog.objects.get(pk=audit_row.pk).entity_id == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the immutability trigger is PostgreSQL-only"
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE admin_audit_logs SET entity_id = 99 WHERE id = %s",
        "DELETE FROM admin_audit_logs WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_the_database_trigger_refuses_update_and_delete(audit_row, sql):
    with (
        pytest.raises(DatabaseError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [audit_row.pk])
    assert AdminAuditLog.objects.get(pk=audit_row.pk).entity_id == 1


def test_the_admin_site_shows_audit_rows_read_only(site, audit_row):
    base = "/guru/admin/guru/adminauditlog"
    assert site.get(f"{base}/").status_code == 200
    page = site.get(f"{base}/{audit_row.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert site.get(f"{base}/add/").status_code == 403
    assert site.post(f"{base}/{audit_row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert site.post(f"{base}/{audit_row.pk}/change/", {"entity_id": 5}).status_code == 403
    assert AdminAuditLog.objects.get(pk=audit_row.pk).entity_id == 1


# --- field-level history (django-auditlog) -----------------------------------------------


def test_auditlog_history_names_the_jwt_admin_as_actor(api, admin):
    course_id = api.post("/api/admin/course", {"title": "Rust"}, format="json").json()["id"]
    entry = LogEntry.objects.get_for_object(Course.objects.get(pk=course_id)).get()
    assert entry.actor == admin
    assert entry.remote_addr == "203.0.113.7"
    assert "title" in entry.changes_dict


# --- the admin site writes through the same services -------------------------------------
# Django's test client, logged in as an admin, posts the admin site's own forms.


ADMIN_SITE_ENTITIES = [
    (
        "COURSE",
        "course",
        lambda f: {
            "title": "Go",
            "level": "beginner",
            "skills": "[]",
            "credit_cost": 5,
            "academic_credits": 3,
        },
        lambda f: {
            "title": "Go 2",
            "level": "beginner",
            "skills": '["go"]',
            "credit_cost": 5,
            "academic_credits": 3,
        },
    ),
    (
        "MODULE",
        "module",
        lambda f: {"course": f["course"].pk, "title": "M", "order": 7},
        lambda f: {"title": "M2", "order": 8},
    ),
    (
        "LESSON",
        "lesson",
        lambda f: {"module": f["module"].pk, "title": "L", "content": "c", "order": 7},
        lambda f: {"title": "L2", "content": "c2", "order": 7},
    ),
    (
        "LAB",
        "lab",
        lambda f: {
            "course": f["course"].pk,
            "title": "Lab",
            "order": 7,
            "language": "python",
            "instructions": "i",
            "validation_type": "contains",
            "expected_output": "x",
            "hints": "[]",
            "unlock_rule": "always",
            "certificate_weight": 10,
        },
        lambda f: {
            "title": "Lab",
            "order": 7,
            "language": "python",
            "instructions": "i",
            "validation_type": "stdout",
            "expected_output": "y",
            "hints": "[]",
            "unlock_rule": "module_complete",
            "unlock_reference_id": f["module"].pk,
            "certificate_weight": 10,
        },
    ),
    (
        "TEST",
        "test",
        lambda f: {
            "course": f["course"].pk,
            "title": "T",
            "time_limit_minutes": 5,
            "pass_percentage": 40,
            "max_attempts": 1,
        },
        lambda f: {"title": "T", "time_limit_minutes": 5, "pass_percentage": 45, "max_attempts": 2},
    ),
    (
        "QUESTION",
        "question",
        lambda f: {
            "test": f["test_"].pk,
            "order": 7,
            "type": "true_false",
            "prompt": "?",
            "options": "[]",
            "correct_answer": "false",
            "points": 1,
        },
        lambda f: {
            "order": 7,
            "type": "short_answer",
            "prompt": "?",
            "options": "[]",
            "correct_answer": '"yes"',
            "points": 2,
        },
    ),
    (
        "PROJECT",
        "project",
        lambda f: {
            "course": f["course"].pk,
            "title": "P",
            "description": "d",
            "objectives": "[]",
            "deliverables": "[]",
            "skills": "[]",
        },
        lambda f: {
            "title": "P2",
            "description": "d",
            "objectives": '["ship"]',
            "deliverables": "[]",
            "skills": "[]",
        },
    ),
    (
        "CERTIFICATE",
        "certificaterule",
        lambda f: {
            "course": f["course"].pk,
            "required_tests": [f["test_"].pk],
            "min_lab_weight": 0,
        },
        lambda f: {
            "required_tests": [],
            "required_projects": [f["project"].pk],
            "min_lab_weight": 10,
        },
    ),
    (
        "PRICING",
        "actionprice",
        lambda f: {"action": "lab_run", "credits": 1, "is_chargeable": "on"},
        lambda f: {"action": "lab_run", "credits": 2},
    ),
    (
        "CREDIT_PACK",
        "creditpack",
        lambda f: {"name": "Big", "credits": 500, "price_paise": 39900, "is_active": "on"},
        lambda f: {"name": "Big", "credits": 600, "price_paise": 39900},
    ),
    (
        "PLAN",
        "plan",
        lambda f: {"name": "Basic", "price_paise": 0, "period": "monthly", "features": "[]"},
        lambda f: {
            "name": "Basic",
            "price_paise": 100,
            "period": "monthly",
            "features": '["tutor"]',
        },
    ),
    (
        "VOUCHER",
        "voucher",
        lambda f: {
            "code": "admin-site",
            "credits": 5,
            "valid_from_0": "2030-01-01",
            "valid_from_1": "00:00:00",
            "valid_until_0": "2030-02-01",
            "valid_until_1": "00:00:00",
            "max_redemptions": 10,
        },
        lambda f: {
            "code": "ADMIN-SITE",
            "credits": 6,
            "valid_from_0": "2030-01-01",
            "valid_from_1": "00:00:00",
            "valid_until_0": "2030-02-01",
            "valid_until_1": "00:00:00",
            "max_redemptions": 10,
        },
    ),
]


@pytest.mark.parametrize(
    ("entity", "model", "add", "change"),
    ADMIN_SITE_ENTITIES,
    ids=[e[0] for e in ADMIN_SITE_ENTITIES],
)
def test_admin_site_add_change_delete_each_write_an_audit_row(
    site, admin, course, module, test_, project, entity, model, add, change
):
    fixtures = {"course": course, "module": module, "test_": test_, "project": project}
    base = f"/guru/admin/guru/{model}"
    added = site.post(f"{base}/add/", add(fixtures))
    assert added.status_code == 302, added.context["adminform"].form.errors
    (created,) = AdminAuditLog.objects.filter(entity_type=entity, action_type="CREATE")
    assert (created.admin_id, created.ip_address) == (admin.pk, "127.0.0.1")

    changed = site.post(f"{base}/{created.entity_id}/change/", change(fixtures))
    assert changed.status_code == 302, changed.context["adminform"].form.errors
    (updated,) = AdminAuditLog.objects.filter(entity_type=entity, action_type="UPDATE")
    assert updated.entity_id == created.entity_id and updated.changes

    assert site.post(f"{base}/{created.entity_id}/delete/", {"post": "yes"}).status_code == 302
    assert AdminAuditLog.objects.filter(
        entity_type=entity, entity_id=created.entity_id, action_type="DELETE"
    ).exists()


def test_admin_site_settings_change_is_audited_and_cannot_be_deleted(site):
    platform_settings_get()  # the site's tests flush the table: the singleton comes back
    base = "/guru/admin/guru/platformsettings"
    data = {
        "welcome_credits": 40,
        "tutor_daily_question_cap": 5,
        "tutor_model": "gpt-4o-mini",
        "tutor_max_question_length": 500,
    }
    assert site.post(f"{base}/1/change/", data).status_code == 302
    (row,) = AdminAuditLog.objects.filter(entity_type="SETTINGS")
    assert row.changes["tutor_enabled"] == {"old": True, "new": False}
    assert site.post(f"{base}/1/delete/", {"post": "yes"}).status_code == 403
    assert PlatformSettings.objects.exists()


def test_admin_site_invalid_form_writes_nothing(site, course):
    response = site.post(
        "/guru/admin/guru/course/add/",
        {
            "title": "Free?",
            "credit_cost": 9,
            "is_free": "on",
            "level": "beginner",
            "skills": "[]",
            "academic_credits": 0,
        },
    )
    assert response.status_code == 200
    assert "credit_cost" in response.context["adminform"].form.errors
    assert Course.objects.count() == 1 and not AdminAuditLog.objects.exists()


def test_admin_site_archives_a_published_course_and_refuses_to_edit_it(site, course, lesson):
    site.post("/guru/admin/guru/course/", {"action": "publish", "_selected_action": [course.pk]})
    course.refresh_from_db()
    assert course.is_published
    assert (
        site.post(f"/guru/admin/guru/course/{course.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    course.refresh_from_db()
    assert course.is_archived and Lesson.objects.filter(pk=lesson.pk).exists()
    assert list(
        AdminAuditLog.objects.filter(entity_type="COURSE").values_list("action_type", flat=True)
    ) == ["DELETE", "UPDATE"]
    assert (
        site.post(f"/guru/admin/guru/course/{course.pk}/change/", {"title": "x"}).status_code == 403
    )


def test_admin_site_refuses_to_delete_content_a_rule_names(site, course, lesson, lab):
    lab.unlock_rule, lab.unlock_reference_id = "lesson_complete", lesson.pk
    lab.save()
    page = site.get(f"/guru/admin/guru/lesson/{lesson.pk}/delete/")
    assert b"unlocks after it" in page.content
    assert (
        site.post(f"/guru/admin/guru/lesson/{lesson.pk}/delete/", {"post": "yes"}).status_code
        != 302
    )
    assert Lesson.objects.filter(pk=lesson.pk).exists()


# --- the audit-log listing -----------------------------------------------------------------


@pytest.fixture
def history(api, admin):
    """Two admins' changes: courses by the first, a pack by the second, one row back-dated."""
    other_admin = AdminFactory(email="second@ourshiksha.test", password="another-long-pass")
    first = api.post("/api/admin/course", {"title": "A"}, format="json").json()["id"]
    api.put(f"/api/admin/course/{first}", {"title": "A2"}, format="json")
    api.post("/api/admin/course", {"title": "B"}, format="json")
    api.force_authenticate(user=other_admin)
    api.post(
        "/api/admin/credit-pack", {"name": "P", "credits": 1, "price_paise": 100}, format="json"
    )
    api.force_authenticate(user=admin)
    # Rows are immutable even to tests: back-date by inserting, not by editing.
    AdminAuditLog.objects.create(
        admin=admin, action_type="DELETE", entity_type="PLAN", entity_id=7, changes={}
    )
    old = AdminAuditLog.objects.latest("id")
    return {"first_course": first, "other_admin": other_admin, "latest": old}


def test_audit_log_lists_newest_first_with_who_and_what(api, admin, history):
    body = api.get("/api/admin/audit-log").json()
    assert body["count"] == 5
    newest = body["results"][0]
    assert newest["id"] == history["latest"].pk
    assert newest["admin_email"] == admin.email


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("action_type=UPDATE", 1),
        ("entity_type=COURSE", 3),
        ("entity_type=CREDIT_PACK", 1),
        ("entity_type=COURSE&action_type=CREATE", 2),
    ],
)
def test_audit_log_filters(api, history, query, count):
    assert api.get(f"/api/admin/audit-log?{query}").json()["count"] == count


def test_audit_log_filters_by_admin_and_entity_id(api, history):
    other = history["other_admin"].pk
    assert api.get(f"/api/admin/audit-log?admin_id={other}").json()["count"] == 1
    rows = api.get(f"/api/admin/audit-log?entity_type=COURSE&entity_id={history['first_course']}")
    assert [row["action_type"] for row in rows.json()["results"]] == ["UPDATE", "CREATE"]


def test_audit_log_filters_by_date_range(api, history):
    now = timezone.now()
    since = (now - timedelta(minutes=5)).isoformat()
    until = (now + timedelta(minutes=5)).isoformat()
    later = (now + timedelta(days=1)).isoformat()
    assert api.get("/api/admin/audit-log", {"since": since, "until": until}).json()["count"] == 5
    assert api.get("/api/admin/audit-log", {"since": until, "until": later}).json()["count"] == 0
    bad = api.get("/api/admin/audit-log", {"since": until, "until": since})
    assert bad.status_code == 400 and "until" in bad.json()["error"]["fields"]


def test_audit_log_rejects_unknown_filter_values(api):
    response = api.get("/api/admin/audit-log?action_type=TRUNCATE")
    assert response.status_code == 400
    assert "action_type" in response.json()["error"]["fields"]


def test_audit_log_is_paged(api, history):
    first = api.get("/api/admin/audit-log?page_size=2").json()
    assert (first["count"], len(first["results"]), bool(first["next"])) == (5, 2, True)
    last = api.get("/api/admin/audit-log?page_size=2&page=3").json()
    assert len(last["results"]) == 1


def test_audit_log_is_read_only_over_the_api(api, history):
    assert api.post("/api/admin/audit-log", {}, format="json").status_code == 405
    assert api.delete("/api/admin/audit-log").status_code == 405
