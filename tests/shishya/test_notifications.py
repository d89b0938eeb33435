"""Notifications: the service other apps call, and the student's list and read state."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from shishya import services
from shishya.models import Notification
from shishya.services import notification_broadcast, notification_send
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def asha(db):
    return StudentFactory(email="asha@example.com", verified=True)


@pytest.fixture
def ravi(db):
    return StudentFactory(email="ravi@example.com", verified=True)


@pytest.fixture
def as_asha(client, asha):
    client.force_login(asha)
    return client


def notify(user, n: int) -> list[Notification]:
    start = timezone.now() - timedelta(hours=1)
    sent = []
    for i in range(n):
        notification = notification_send(
            user=user, kind="certificate_issued", title=f"Certificate {i}", data={"n": i}
        )
        Notification.objects.filter(pk=notification.pk).update(
            created_at=start + timedelta(minutes=i)
        )
        sent.append(notification)
    return sent


def test_list_is_newest_first_with_the_unread_count(as_asha, asha, ravi):
    notify(asha, 3)
    notify(ravi, 2)
    response = as_asha.get("/api/notifications")
    assert response.status_code == 200
    body = response.json()
    titles = [n["title"] for n in body["results"]]
    assert titles == ["Certificate 2", "Certificate 1", "Certificate 0"]
    assert body["unread_count"] == 3
    assert body["results"][0]["data"] == {"n": 2} and body["results"][0]["read_at"] is None
    assert body["next"] is None


def test_cursor_pages_walk_the_whole_list_once(as_asha, asha):
    notify(asha, 25)
    first = as_asha.get("/api/notifications").json()
    assert len(first["results"]) == 20 and first["unread_count"] == 25
    second = as_asha.get(first["next"]).json()
    titles = [n["title"] for n in first["results"] + second["results"]]
    assert titles == [f"Certificate {i}" for i in reversed(range(25))]
    assert second["next"] is None


def test_new_notifications_do_not_shift_the_next_page(as_asha, asha):
    notify(asha, 25)
    first = as_asha.get("/api/notifications").json()
    notification_send(user=asha, kind="payment_captured", title="Newest")
    second = as_asha.get(first["next"]).json()
    assert [n["title"] for n in second["results"]] == [f"Certificate {i}" for i in range(4, -1, -1)]


def test_list_query_count_is_constant(as_asha, asha, django_assert_max_num_queries):
    notify(asha, 30)
    as_asha.get("/api/notifications")  # the session's first use starts its clocks (a write)
    # 1 session, 2 user, 3 the page of notifications, 4 the unread count.
    with django_assert_max_num_queries(4):
        response = as_asha.get("/api/notifications?page_size=30")
    assert len(response.json()["results"]) == 30


def test_marking_read_is_per_notification_and_idempotent(as_asha, asha):
    _older, newer = notify(asha, 2)
    response = as_asha.post(f"/api/notifications/{newer.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    read_at = response.json()["read_at"]
    assert as_asha.post(f"/api/notifications/{newer.pk}/read").json()["read_at"] == read_at
    assert as_asha.get("/api/notifications").json()["unread_count"] == 1


def test_another_users_notification_is_not_found(as_asha, ravi):
    (theirs,) = notify(ravi, 1)
    response = as_asha.post(f"/api/notifications/{theirs.pk}/read")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_the_callers_notifications(as_asha, asha, ravi):
    notify(asha, 3)
    notify(ravi, 2)
    response = as_asha.post("/api/notifications/read-all")
    assert response.status_code == 200 and response.json() == {"marked_read": 3}
    assert as_asha.get("/api/notifications").json()["unread_count"] == 0
    assert Notification.objects.filter(user=ravi, read_at__isnull=True).count() == 2


def test_a_broadcast_read_by_one_student_stays_unread_for_the_others(client, asha, ravi):
    sent = notification_broadcast(
        user_ids=[asha.pk, ravi.pk], kind="announcement", title="New courses this week"
    )
    assert sent == 2
    client.force_login(asha)
    (mine,) = client.get("/api/notifications").json()["results"]
    client.post(f"/api/notifications/{mine['id']}/read")
    assert client.get("/api/notifications").json()["unread_count"] == 0

    client.force_login(ravi)
    body = client.get("/api/notifications").json()
    assert body["unread_count"] == 1 and body["results"][0]["read_at"] is None


def test_notifications_need_a_session(client, asha):
    (notification,) = notify(asha, 1)
    assert client.get("/api/notifications").status_code == 401
    assert client.post(f"/api/notifications/{notification.pk}/read").status_code == 401
    assert client.post("/api/notifications/read-all").status_code == 401


def test_marking_read_never_moves_a_read_time_another_request_just_wrote(asha, monkeypatch):
    (notification,) = notify(asha, 1)
    first_read = timezone.now() - timedelta(minutes=5)
    clock = timezone.now

    def now_while_another_tab_marks_it_read():
        Notification.objects.filter(pk=notification.pk).update(read_at=first_read)
        return clock()

    monkeypatch.setattr(services.timezone, "now", now_while_another_tab_marks_it_read)
    marked = services.notification_mark_read(user=asha, notification_id=notification.pk)
    assert marked.read_at == first_read
