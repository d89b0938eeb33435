"""What `bash .ci/serve` does before the server starts: a Guru key of its own that leaves
every other server's working, and demo content on an empty database."""

import socket

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from guru.models import AdminAuditLog, ApiKey, Course, CreditPack, PlatformSettings
from guru.services.demo import DEMO_ACTOR_EMAIL
from tests.ports import free_port, free_ports

pytestmark = pytest.mark.django_db


def dev_key(capsys, port: int) -> str:
    call_command("dev_api_key", "--port", str(port))
    return capsys.readouterr().out.strip()


def test_a_second_server_leaves_the_first_ones_key_working(client, capsys):
    port, other_port = free_ports(2)
    first = dev_key(capsys, port)
    second = dev_key(capsys, other_port)
    again_on_the_same_port = dev_key(capsys, port)  # the first server was stopped
    for key in (first, second, again_on_the_same_port):
        assert client.get("/api/public/pricing", HTTP_X_API_KEY=key).status_code == 200


def test_a_taken_port_is_refused_before_anything_is_written(client, capsys):
    running = dev_key(capsys, port := free_port())
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen()
        with pytest.raises(CommandError, match="in use"):
            call_command("dev_api_key", "--port", str(port))
    assert ApiKey.objects.count() == 1
    assert client.get("/api/public/pricing", HTTP_X_API_KEY=running).status_code == 200


def test_demo_content_is_a_published_course_with_everything_a_student_can_do(client, capsys):
    call_command("load_demo_content")
    assert "Loaded the demo course" in capsys.readouterr().out
    course = Course.objects.get()
    assert course.is_published
    assert course.modules.count() == 2 and course.labs.count() == 1
    assert course.tests.get().questions.count() == 2 and course.projects.count() == 1
    assert course.certificate_rule.required_tests.count() == 1
    assert CreditPack.objects.count() == 1
    assert PlatformSettings.objects.get().welcome_credits == 50
    key = dev_key(capsys, free_port())
    listed = client.get("/api/public/courses", HTTP_X_API_KEY=key).json()
    assert course.title in str(listed)


def test_demo_content_is_audited_under_a_system_actor_that_cannot_sign_in():
    call_command("load_demo_content")
    actor = User.objects.get(email=DEMO_ACTOR_EMAIL)
    assert not actor.is_active and not actor.has_usable_password()
    assert AdminAuditLog.objects.exists()
    assert set(AdminAuditLog.objects.values_list("admin", flat=True)) == {actor.pk}


def test_demo_content_never_touches_a_database_with_courses():
    call_command("load_demo_content")
    Course.objects.update(title="Renamed by an admin")
    call_command("load_demo_content")
    assert list(Course.objects.values_list("title", flat=True)) == ["Renamed by an admin"]
