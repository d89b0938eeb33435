"""/api/tests: attempts held by the table's constraints, deadlines from Guru, grading on the
server with Guru's answer key, answers shown only for the student's own submitted attempt."""

import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

# A module, not the function: pytest would collect a test_* name as a test.
from learning.assessments import selectors as assessment_selectors
from learning.models import TestAttempt
from tests.concurrency import race
from tests.learning.content import ANSWER_KEYS, SECRETS, enrolled_student, guru_course

pytestmark = pytest.mark.django_db

ALL_RIGHT = {"0": 1, "1": [2, 0], "2": True, "3": "  secret   SHORT answer "}


def paths(content) -> dict[str, str]:
    base = f"/api/tests/{content.course.pk}"
    test = f"{base}/{content.test.pk}"
    return {"list": base, "detail": test, "start": f"{test}/start", "submit": f"{test}/submit"}


def start(client: Client, content):
    return client.post(paths(content)["start"])


def answers_by_id(content, by_order: dict[str, object]) -> dict[str, object]:
    ids = dict(content.test.questions.values_list("order", "id"))
    return {str(ids[int(order)]): answer for order, answer in by_order.items()}


def submit(client: Client, content, by_order: dict[str, object]):
    return client.post(
        paths(content)["submit"],
        {"answers": answers_by_id(content, by_order)},
        content_type="application/json",
    )


def assert_no_answer_material(text: str) -> None:
    leaked = [word for word in (*ANSWER_KEYS, *SECRETS, "explanation") if word in text]
    assert not leaked, leaked


def expire(attempt_id: int, seconds_ago: int) -> None:
    TestAttempt.objects.filter(pk=attempt_id).update(
        deadline=timezone.now() - timedelta(seconds=seconds_ago)
    )


# --- Before submitting ----------------------------------------------------------------------
def test_list_and_detail_describe_the_test_without_answers(student_client, enrolled, content):
    listed = student_client.get(paths(content)["list"])
    assert listed.status_code == 200
    [test] = listed.json()
    assert test["id"] == content.test.pk and test["question_count"] == 4
    assert test["total_points"] == 5 and test["max_attempts"] == 1
    assert test["attempts_used"] == 0 and test["attempts_left"] == 1
    assert test["best_percent"] is None and test["active_attempt_id"] is None
    detail = student_client.get(paths(content)["detail"])
    assert detail.status_code == 200 and detail.json()["attempts"] == []
    assert_no_answer_material(listed.content.decode() + detail.content.decode())


def test_start_serves_the_questions_without_answers_and_a_deadline_from_guru(
    student_client, student, enrolled, content
):
    before = timezone.now()
    response = start(student_client, content)
    assert response.status_code == 201
    attempt = response.json()
    assert attempt["status"] == "active" and attempt["attempt_number"] == 1
    assert [q["order"] for q in attempt["questions"]] == [0, 1, 2, 3]
    assert set(attempt["questions"][1]) == {"id", "order", "type", "prompt", "options", "points"}
    assert attempt["results"] is None and attempt["percent"] is None
    stored = TestAttempt.objects.get(pk=attempt["id"])
    assert stored.questions == attempt["questions"]  # as served, no answers
    assert (
        before + timedelta(minutes=10) <= stored.deadline <= timezone.now() + timedelta(minutes=10)
    )
    assert assessment_selectors.test_attempt_active(user=student)
    assert_no_answer_material(response.content.decode())
    detail = student_client.get(paths(content)["detail"])
    assert detail.json()["active_attempt_id"] == attempt["id"]
    assert detail.json()["attempts"][0]["questions"] == attempt["questions"]  # resumable
    assert_no_answer_material(detail.content.decode())


def test_no_response_before_the_students_own_submission_carries_answer_material(
    guru_in_process, judge0
):
    """Every lab and test endpoint, including refusals, as one student sees them; then
    another student's submission reveals nothing to this one."""
    content = guru_course()
    student = enrolled_student(content.course)
    other = enrolled_student(content.course, email="other@example.com")
    client, other_client = Client(), Client()
    client.force_login(student)
    other_client.force_login(other)
    course = content.course.pk
    bodies = [
        client.get(f"/api/courses/{course}"),
        client.get(f"/api/labs/{course}"),
        *[client.get(f"/api/labs/{course}/{lab.pk}") for lab in content.course.labs.all()],
        client.post(
            f"/api/labs/{course}/{content.regex_lab.pk}/submit",
            {"code": "x"},
            content_type="application/json",
            headers={"Idempotency-Key": "locked-lab-try"},
        ),
        client.get(paths(content)["list"]),
        client.get(paths(content)["detail"]),
        submit(client, content, ALL_RIGHT),  # not started
        start(client, content),
        start(client, content),  # in progress
        client.get(paths(content)["list"]),
        client.get(paths(content)["detail"]),
    ]
    start(other_client, content)
    assert submit(other_client, content, ALL_RIGHT).status_code == 200
    bodies += [client.get(paths(content)["detail"]), client.get(paths(content)["list"])]
    for response in bodies:
        assert response.status_code < 500
        assert_no_answer_material(response.content.decode())


# --- Submitting -----------------------------------------------------------------------------
def test_an_on_time_submission_is_graded_with_gurus_key(student_client, student, enrolled, content):
    start(student_client, content)
    response = submit(student_client, content, ALL_RIGHT)
    assert response.status_code == 200
    attempt = response.json()
    assert attempt["status"] == "submitted"
    assert (attempt["score_points"], attempt["max_points"], attempt["percent"]) == (5, 5, 100)
    assert attempt["passed"] is True
    assert all(result["correct"] for result in attempt["results"])
    assert all(
        result["explanation"].startswith("SECRET-EXPLANATION") for result in attempt["results"]
    )
    assert not assessment_selectors.test_attempt_active(user=student)
    listed = student_client.get(paths(content)["list"]).json()[0]
    assert listed["best_percent"] == 100 and listed["passed"] is True


def test_each_answer_type_is_graded_by_its_rule(student_client, enrolled, content):
    start(student_client, content)
    # single wrong, multiple a subset (not the exact set), true_false right, short answer wrong
    attempt = submit(student_client, content, {"0": 0, "1": [0], "2": True, "3": "nope"}).json()
    assert [r["correct"] for r in attempt["results"]] == [False, False, True, False]
    assert [r["points_awarded"] for r in attempt["results"]] == [0, 0, 1, 0]
    assert (attempt["score_points"], attempt["percent"], attempt["passed"]) == (1, 20, False)


def test_unanswered_questions_score_nothing(student_client, enrolled, content):
    start(student_client, content)
    attempt = submit(student_client, content, {"1": [0, 2], "2": True}).json()
    assert (attempt["score_points"], attempt["percent"], attempt["passed"]) == (3, 60, True)


def test_answers_of_the_wrong_shape_are_400_and_the_attempt_stays_open(
    student_client, enrolled, content
):
    start(student_client, content)
    for bad in ({"0": True}, {"0": 5}, {"1": [0, 0]}, {"2": "yes"}, {"3": 3}):
        response = submit(student_client, content, bad)
        assert response.status_code == 400, bad
    unknown = student_client.post(
        paths(content)["submit"], {"answers": {"999999": 1}}, content_type="application/json"
    )
    assert unknown.status_code == 400
    assert TestAttempt.objects.get().status == "active"


def test_a_late_submission_is_refused_and_closes_the_attempt(
    student_client, student, enrolled, content, settings
):
    attempt_id = start(student_client, content).json()["id"]
    expire(attempt_id, seconds_ago=settings.TEST_SUBMIT_GRACE_SECONDS + 5)
    response = submit(student_client, content, ALL_RIGHT)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "attempt_expired"
    attempt = TestAttempt.objects.get(pk=attempt_id)
    assert attempt.status == "expired" and attempt.percent is None and attempt.passed is None
    again = submit(student_client, content, ALL_RIGHT)
    assert again.json()["error"]["code"] == "attempt_expired"
    assert_no_answer_material(response.content.decode() + again.content.decode())


def test_a_submission_within_the_grace_after_the_deadline_is_graded(
    student_client, enrolled, content, settings
):
    attempt_id = start(student_client, content).json()["id"]
    expire(attempt_id, seconds_ago=settings.TEST_SUBMIT_GRACE_SECONDS - 10)
    assert submit(student_client, content, ALL_RIGHT).json()["status"] == "submitted"


def test_a_double_submit_returns_the_graded_attempt(student_client, enrolled, content):
    start(student_client, content)
    first = submit(student_client, content, ALL_RIGHT)
    second = submit(student_client, content, {"0": 0})
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert TestAttempt.objects.get().percent == 100


def test_submitting_without_starting_is_409(student_client, enrolled, content):
    response = submit(student_client, content, ALL_RIGHT)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "attempt_not_started"


# --- Attempts -------------------------------------------------------------------------------
def test_max_attempts_from_guru_are_enforced(guru_in_process):
    content = guru_course(max_attempts=2)
    client = Client()
    client.force_login(enrolled_student(content.course))
    for number in (1, 2):
        assert start(client, content).json()["attempt_number"] == number
        assert submit(client, content, {"0": 0}).status_code == 200
    refused = start(client, content)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "max_attempts_reached"
    assert TestAttempt.objects.count() == 2
    listed = client.get(paths(content)["list"]).json()[0]
    assert listed["attempts_used"] == 2 and listed["attempts_left"] == 0


def test_the_table_refuses_an_attempt_beyond_its_max_or_a_number_twice(student, enrolled, content):
    now = timezone.now()
    fields = {
        "user": student,
        "course_id": content.course.pk,
        "test_id": content.test.pk,
        "max_attempts": 1,
        "questions": [],
        "started_at": now,
        "deadline": now,
        "status": "submitted",
    }
    TestAttempt.objects.create(attempt_number=1, **fields)
    for number in (1, 2):
        with pytest.raises(IntegrityError), transaction.atomic():
            TestAttempt.objects.create(attempt_number=number, **fields)


def test_starting_while_an_attempt_is_active_is_409(student_client, enrolled, content):
    first = start(student_client, content).json()
    response = start(student_client, content)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "test_in_progress"
    assert error["details"]["attempt_id"] == first["id"]


def test_an_abandoned_attempt_is_closed_before_a_new_start(guru_in_process, settings):
    content = guru_course(max_attempts=2)
    student = enrolled_student(content.course)
    client = Client()
    client.force_login(student)
    abandoned = start(client, content).json()["id"]
    expire(abandoned, seconds_ago=settings.TEST_SUBMIT_GRACE_SECONDS + 1)
    assert not assessment_selectors.test_attempt_active(user=student)
    listed = client.get(paths(content)["list"]).json()[0]
    assert listed["active_attempt_id"] is None
    response = start(client, content)
    assert response.status_code == 201 and response.json()["attempt_number"] == 2
    assert TestAttempt.objects.get(pk=abandoned).status == "expired"


def test_a_student_not_enrolled_is_refused(guru_in_process, content):
    outsider = enrolled_student(guru_course(lab_run_price=None).course, email="o@example.com")
    client = Client()
    client.force_login(outsider)
    for response in (
        client.get(paths(content)["list"]),
        client.get(paths(content)["detail"]),
        start(client, content),
        submit(client, content, ALL_RIGHT),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_enrolled"


def test_an_unknown_test_is_404(student_client, enrolled, content):
    response = student_client.post(f"/api/tests/{content.course.pk}/999999/start")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "test_not_found"


def test_starts_and_submissions_are_rate_limited_per_student(
    student_client, enrolled, content, settings
):
    settings.TEST_ATTEMPT_RATE = "2/m"
    statuses = [start(student_client, content).status_code for _ in range(3)]
    assert statuses == [201, 409, 429]


# --- Staff reset ------------------------------------------------------------------------------
def test_an_admin_resets_an_attempt_with_a_reason_and_it_is_audited(
    student_client, enrolled, content, admin
):
    attempt_id = start(student_client, content).json()["id"]
    submit(student_client, content, {"0": 0})
    assert start(student_client, content).status_code == 409  # the one attempt is used
    out = io.StringIO()
    call_command(
        "reset_test_attempt",
        str(attempt_id),
        actor=admin.email,
        reason="Power cut during the test",
        stdout=out,
    )
    assert f"reset by {admin.email}" in out.getvalue()
    assert not TestAttempt.objects.filter(pk=attempt_id).exists()
    entry = LogEntry.objects.get_for_model(TestAttempt).get(
        object_id=attempt_id, action=LogEntry.Action.DELETE
    )
    assert entry.actor == admin and entry.actor_email == admin.email
    assert entry.additional_data["reason"] == "Power cut during the test"
    assert entry.additional_data["attempt"]["status"] == "submitted"
    assert entry.additional_data["attempt"]["percent"] == 0
    again = start(student_client, content)
    assert again.status_code == 201 and again.json()["attempt_number"] == 1


def test_only_an_admin_may_reset_and_only_with_a_reason(
    student, enrolled, content, student_client, admin
):
    attempt_id = start(student_client, content).json()["id"]
    for actor, reason in (
        ("s@example.com", "because"),
        ("nobody@example.com", "because"),
        (admin.email, "   "),
    ):
        with pytest.raises(CommandError):
            call_command("reset_test_attempt", str(attempt_id), actor=actor, reason=reason)
    with pytest.raises(CommandError):
        call_command("reset_test_attempt", "999999", actor=admin.email, reason="x")
    assert TestAttempt.objects.filter(pk=attempt_id).exists()
    assert not LogEntry.objects.get_for_model(TestAttempt).exists()


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="constraint races need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_create_one_attempt(guru_in_process):
    content = guru_course(max_attempts=3)
    student = enrolled_student(content.course)
    warm = Client()
    warm.force_login(student)
    warm.get(paths(content)["list"])  # Guru's tests in the cache

    def attempt() -> int:
        client = Client()
        client.force_login(student)
        return start(client, content).status_code

    statuses = race(*[attempt] * 5)
    assert sorted(statuses) == [201, 409, 409, 409, 409]
    assert TestAttempt.objects.filter(user=student).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_grade_once(guru_in_process):
    content = guru_course()
    student = enrolled_student(content.course)
    client = Client()
    client.force_login(student)
    start(client, content)

    def attempt() -> int:
        racer = Client()
        racer.force_login(student)
        return submit(racer, content, ALL_RIGHT).status_code

    assert race(*[attempt] * 4) == [200] * 4
    attempt_row = TestAttempt.objects.get(user=student)
    assert attempt_row.status == "submitted" and attempt_row.percent == 100
