"""POST /api/courses/:id/enroll: free at once, plan waiver, charged exactly once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from guru.models import Course
from learning.models import Enrollment
from payments.models import Subscription
from shishya.guru_client import guru_client
from shishya.models import Notification
from tests.factories import PlanFactory, StudentFactory
from tests.guru.catalogue import course_with_content
from tests.learning.core_helpers import assert_no_answer_material, logged_in
from tests.wallets import balance, fund
from wallet.models import LedgerEntry

pytestmark = pytest.mark.usefixtures("guru_in_process")


def enroll_path(course) -> str:
    return f"/api/courses/{course.pk if isinstance(course, Course) else course}/enroll"


def deductions(user) -> list[int]:
    return list(
        LedgerEntry.objects.filter(wallet__user=user, kind=LedgerEntry.Kind.DEDUCTION).values_list(
            "amount", flat=True
        )
    )


def test_free_course_enrolls_at_once_without_a_charge():
    course = course_with_content()
    Course.objects.filter(pk=course.pk).update(is_free=True, credit_cost=0)
    student = StudentFactory()
    response = logged_in(student).post(enroll_path(course))
    assert response.status_code == 201
    assert response.json()["credits_charged"] == 0 and response.json()["waived_by"] == "free"
    assert Enrollment.objects.get(user=student).course_id == course.pk
    assert deductions(student) == []
    assert Notification.objects.filter(user=student, kind="enrollment").count() == 1


def test_paid_course_charges_its_credit_cost_once_and_a_repeat_answers_200():
    course = course_with_content()  # 30 credits
    student = StudentFactory()
    fund(student, 100)
    client = logged_in(student)
    first = client.post(enroll_path(course))
    assert first.status_code == 201
    assert first.json()["credits_charged"] == 30 and first.json()["waived_by"] == ""
    assert first.json()["already_enrolled"] is False
    repeat = client.post(enroll_path(course))
    # The repeat says what happened now: nothing charged, already enrolled since then.
    assert repeat.status_code == 200
    assert repeat.json() == {
        **first.json(),
        "already_enrolled": True,
        "credits_charged": 0,
        "waived_by": "",
    }
    assert balance(student) == 70 and deductions(student) == [-30]
    enrollment = Enrollment.objects.get(user=student)
    assert enrollment.ledger_entry_id == LedgerEntry.objects.get(amount=-30).pk
    assert Notification.objects.filter(user=student, kind="enrollment").count() == 1
    assert_no_answer_material(first, repeat)


def test_plan_feature_free_enrollment_waives_the_charge():
    course = course_with_content()
    plan = PlanFactory(name="Scholar", features=["free_enrollment"])
    student = StudentFactory()
    now = timezone.now()
    Subscription.objects.create(
        user=student,
        plan_id=plan.pk,
        plan_name=plan.name,
        features={"free_enrollment": True},
        started_at=now,
        current_period_end=now + timedelta(days=30),
    )
    response = logged_in(student).post(enroll_path(course))
    assert response.status_code == 201
    assert response.json()["waived_by"] == "free_enrollment"
    assert response.json()["credits_charged"] == 0
    assert deductions(student) == [] and Enrollment.objects.filter(user=student).exists()


def test_an_expired_plan_waives_nothing():
    course = course_with_content()
    student = StudentFactory()
    past = timezone.now() - timedelta(days=1)
    Subscription.objects.create(
        user=student,
        plan_id=1,
        plan_name="Scholar",
        features={"free_enrollment": True},
        started_at=past - timedelta(days=30),
        current_period_end=past,
    )
    response = logged_in(student).post(enroll_path(course))
    assert response.status_code == 402


def test_insufficient_credits_is_402_and_writes_nothing():
    course = course_with_content()
    student = StudentFactory()
    fund(student, 29)
    response = logged_in(student).post(enroll_path(course))
    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "insufficient_credits"
    assert error["details"] == {"balance": 29, "required": 30}
    assert not Enrollment.objects.exists()
    assert balance(student) == 29 and deductions(student) == []
    assert not Notification.objects.filter(kind="enrollment").exists()


def test_unpublished_or_unknown_course_is_404_and_charges_nothing():
    draft = course_with_content(published=False)
    student = StudentFactory()
    fund(student, 100)
    client = logged_in(student)
    for course_id in (draft.pk, 999999):
        response = client.post(enroll_path(course_id))
        assert response.status_code == 404
    assert not Enrollment.objects.exists() and balance(student) == 100


def test_enrolling_needs_a_session(client):
    course = course_with_content()
    response = client.post(enroll_path(course))
    assert response.status_code in (401, 403)
    assert not Enrollment.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_enrollments_charge_once():
    course = course_with_content()
    student = StudentFactory()
    fund(student, 100)
    guru_client().course(course.pk)  # warm Guru's copy: the race is ours, not the cache's
    statuses: list[int] = []
    start = threading.Barrier(6)

    def attempt() -> None:
        try:
            start.wait()
            statuses.append(logged_in(student).post(enroll_path(course)).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [201]
    assert Enrollment.objects.filter(user=student).count() == 1
    assert balance(student) == 70 and deductions(student) == [-30]
    assert Notification.objects.filter(user=student, kind="enrollment").count() == 1
