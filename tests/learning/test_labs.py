"""/api/labs: lock rules from Guru, answer material kept back, code checked on the server
(Judge0 for executed labs) and charged Guru's lab_run price once per verdict."""

import base64

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from guru.models import Lab
from learning.models import LabCompletion, LabSubmission, LessonCompletion, TestAttempt
from shishya.guru_client import guru_client
from tests.concurrency import race
from tests.config.test_production_settings import run_manage
from tests.factories import LabFactory
from tests.fakes.judge0 import AUTH_TOKEN, Outcome
from tests.fakes.server import Reply
from tests.guru.catalogue import api_key
from tests.learning.content import (
    ANSWER_KEYS,
    LAB_RUN_PRICE,
    SECRETS,
    enrolled_student,
    guru_course,
)
from tests.wallets import balance
from wallet.models import LedgerEntry

pytestmark = pytest.mark.django_db

SOLVED = "print('SECRET-OUTPUT')"


def submit(client: Client, content_or_course, lab, code: str, *, key: str = "submit-key-1"):
    course_id = getattr(content_or_course, "course", content_or_course).pk
    return client.post(
        f"/api/labs/{course_id}/{lab.pk}/submit",
        {"code": code},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def charges(student) -> list[int]:
    return list(
        LedgerEntry.objects.filter(wallet__user=student, kind="deduction").values_list(
            "amount", flat=True
        )
    )


def assert_no_answer_material(text: str) -> None:
    leaked = [word for word in (*ANSWER_KEYS, *SECRETS, "ai_context") if word in text]
    assert not leaked, leaked


# --- Reading labs ------------------------------------------------------------------------
def test_list_shows_each_labs_lock_state_and_no_answer_material(student_client, enrolled, content):
    response = student_client.get(f"/api/labs/{content.course.pk}")
    assert response.status_code == 200
    labs = {lab["id"]: lab for lab in response.json()}
    assert [lab["id"] for lab in response.json()] == [
        content.stdout_lab.pk,
        content.regex_lab.pk,
        content.contains_lab.pk,
        content.after_test_lab.pk,
        content.after_module_lab.pk,
    ]
    assert labs[content.stdout_lab.pk]["locked"] is False
    assert labs[content.regex_lab.pk]["locked"] is True
    assert labs[content.regex_lab.pk]["unlock"] == {
        "rule": "lesson_complete",
        "reference_id": content.lessons[0].pk,
    }
    assert all(lab["completed"] is False for lab in labs.values())
    assert_no_answer_material(response.content.decode())


def test_detail_has_instructions_starter_code_and_hints_only(student_client, enrolled, content):
    response = student_client.get(f"/api/labs/{content.course.pk}/{content.stdout_lab.pk}")
    assert response.status_code == 200
    lab = response.json()
    assert lab["instructions"] == "Instructions 0"
    assert lab["starter_code"] == "# start here" and lab["hints"] == ["Read the lesson"]
    assert set(lab) == {
        "id",
        "module_id",
        "title",
        "order",
        "language",
        "validation_type",
        "certificate_weight",
        "locked",
        "unlock",
        "completed",
        "instructions",
        "starter_code",
        "hints",
    }
    assert_no_answer_material(response.content.decode())


def test_a_student_not_enrolled_is_refused_every_lab_route(guru_in_process, content):
    outsider = enrolled_student(guru_course(lab_run_price=None).course, email="o@example.com")
    client = Client()
    client.force_login(outsider)
    for response in (
        client.get(f"/api/labs/{content.course.pk}"),
        client.get(f"/api/labs/{content.course.pk}/{content.stdout_lab.pk}"),
        submit(client, content, content.stdout_lab, SOLVED),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_enrolled"


def test_unknown_lab_and_unknown_course(student_client, enrolled, content):
    assert student_client.get(f"/api/labs/{content.course.pk}/999999").status_code == 404
    response = student_client.get(f"/api/labs/{content.course.pk}/999999")
    assert response.json()["error"]["code"] == "lab_not_found"
    assert student_client.get("/api/labs/999999").status_code == 403  # not enrolled there


def test_anonymous_is_401(client, content):
    assert client.get(f"/api/labs/{content.course.pk}").status_code == 401


# --- Unlock rules --------------------------------------------------------------------------
def _meet_lesson_rule(content, student) -> None:
    LessonCompletion.objects.create(
        user=student, course_id=content.course.pk, lesson_id=content.lessons[0].pk
    )


def _meet_lab_rule(content, student) -> None:
    submission = LabSubmission.objects.create(
        user=student,
        course_id=content.course.pk,
        lab_id=content.stdout_lab.pk,
        idempotency_key="earlier",
        code=SOLVED,
        verdict="passed",
    )
    LabCompletion.objects.create(
        user=student,
        course_id=content.course.pk,
        lab_id=content.stdout_lab.pk,
        submission=submission,
    )


def _meet_test_rule(content, student) -> None:
    now = timezone.now()
    TestAttempt.objects.create(
        user=student,
        course_id=content.course.pk,
        test_id=content.test.pk,
        attempt_number=1,
        max_attempts=1,
        status="submitted",
        questions=[],
        started_at=now,
        deadline=now,
        submitted_at=now,
        percent=80,
        passed=True,
    )


def _meet_module_rule(content, student) -> None:
    for lesson in content.lessons:
        LessonCompletion.objects.create(
            user=student, course_id=content.course.pk, lesson_id=lesson.pk
        )


@pytest.mark.parametrize(
    ("lab_name", "rule", "reference", "meet"),
    [
        ("regex_lab", "lesson_complete", lambda c: c.lessons[0].pk, _meet_lesson_rule),
        ("contains_lab", "lab_complete", lambda c: c.stdout_lab.pk, _meet_lab_rule),
        ("after_test_lab", "test_pass", lambda c: c.test.pk, _meet_test_rule),
        ("after_module_lab", "module_complete", lambda c: c.module.pk, _meet_module_rule),
    ],
)
def test_a_locked_lab_opens_once_its_rule_is_met(
    student_client, student, enrolled, content, lab_name, rule, reference, meet
):
    lab = getattr(content, lab_name)
    detail = f"/api/labs/{content.course.pk}/{lab.pk}"
    for response in (student_client.get(detail), submit(student_client, content, lab, "x")):
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "lab_locked"
        assert error["details"] == {"rule": rule, "reference_id": reference(content)}
        assert_no_answer_material(response.content.decode())
    assert charges(student) == [] and not LabSubmission.objects.filter(lab_id=lab.pk).exists()

    meet(content, student)

    assert student_client.get(detail).json()["locked"] is False
    listed = {lab["id"]: lab for lab in student_client.get(f"/api/labs/{content.course.pk}").json()}
    assert listed[lab.pk]["locked"] is False
    assert submit(student_client, content, lab, "x", key="after-unlock").status_code == 200


def test_a_module_is_complete_only_with_all_its_lessons(student_client, student, enrolled, content):
    _meet_lesson_rule(content, student)  # one lesson of two
    detail = student_client.get(f"/api/labs/{content.course.pk}/{content.after_module_lab.pk}")
    assert detail.status_code == 403


# --- Static checks -------------------------------------------------------------------------
@pytest.fixture
def unlocked(content, student):
    _meet_lesson_rule(content, student)
    _meet_lab_rule(content, student)
    return content


def test_regex_lab_passes_and_fails_in_process(student_client, student, enrolled, unlocked, judge0):
    passed = submit(student_client, unlocked, unlocked.regex_lab, "def  SECRETPATTERN(): ...")
    assert passed.status_code == 200
    assert passed.json()["verdict"] == "passed" and passed.json()["passed"] is True
    failed = submit(
        student_client, unlocked, unlocked.regex_lab, "def other(): ...", key="second-key"
    )
    assert failed.json()["verdict"] == "failed" and failed.json()["passed"] is False
    assert "SECRETPATTERN" not in failed.content.decode()
    assert judge0.requests == []  # text checks never go to the code runner
    assert charges(student) == [-LAB_RUN_PRICE, -LAB_RUN_PRICE]
    assert LabCompletion.objects.filter(user=student, lab_id=unlocked.regex_lab.pk).count() == 1


def test_contains_lab_passes_and_fails(student_client, student, enrolled, unlocked):
    lab = unlocked.contains_lab
    failed = submit(student_client, unlocked, lab, "return nothing", key="first-key")
    assert failed.json()["verdict"] == "failed"
    assert_no_answer_material(failed.content.decode())
    assert (
        submit(student_client, unlocked, lab, "x = SECRET-CONTAINS", key="second-key").json()[
            "verdict"
        ]
        == "passed"
    )
    assert balance(student) == 100 - 2 * LAB_RUN_PRICE


def test_a_lab_completes_once_however_often_it_is_passed(
    student_client, student, enrolled, unlocked
):
    for key in ("pass-one", "pass-two"):
        response = submit(
            student_client, unlocked, unlocked.regex_lab, "def SECRETPATTERN(", key=key
        )
        assert response.json()["verdict"] == "passed"
    assert LabSubmission.objects.filter(lab_id=unlocked.regex_lab.pk).count() == 2
    assert LabCompletion.objects.filter(lab_id=unlocked.regex_lab.pk).count() == 1
    listed = student_client.get(f"/api/labs/{unlocked.course.pk}").json()
    assert {lab["id"]: lab["completed"] for lab in listed}[unlocked.regex_lab.pk] is True


# --- Judge0 ------------------------------------------------------------------------------
def test_stdout_lab_runs_on_judge0_with_limits_and_no_network(
    student_client, student, enrolled, content, judge0, settings
):
    response = submit(student_client, content, content.stdout_lab, SOLVED)
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "passed" and body["credits_charged"] == LAB_RUN_PRICE
    assert "SECRET-OUTPUT" in body["feedback"]  # the program's own output, after submitting
    [call] = judge0.submissions()
    assert call.path == "/submissions?base64_encoded=true&wait=true"
    assert call.headers["x-auth-token"] == AUTH_TOKEN
    sent = call.json()
    assert base64.b64decode(sent["source_code"]).decode() == SOLVED
    assert sent["language_id"] == 71 and sent["stdin"] == ""
    assert sent["enable_network"] is False
    assert sent["cpu_time_limit"] == settings.LAB_RUN_CPU_TIME_LIMIT_SECONDS
    assert sent["wall_time_limit"] == settings.LAB_RUN_WALL_TIME_LIMIT_SECONDS
    assert sent["memory_limit"] == settings.LAB_RUN_MEMORY_LIMIT_KB
    assert "expected_output" not in sent  # the comparison is ours
    assert charges(student) == [-LAB_RUN_PRICE]
    assert LabCompletion.objects.filter(user=student, lab_id=content.stdout_lab.pk).exists()


def test_output_is_compared_after_normalising_whitespace(student_client, enrolled, content, judge0):
    judge0.outcomes.append(Outcome(status_id=3, stdout="\n  SECRET-OUTPUT   \r\n\n"))
    assert submit(student_client, content, content.stdout_lab, "x").json()["verdict"] == "passed"


def test_wrong_output_fails_and_shows_only_the_programs_output(
    student_client, student, enrolled, content, judge0
):
    response = submit(student_client, content, content.stdout_lab, "print('hello')")
    body = response.json()
    assert response.status_code == 200 and body["verdict"] == "failed"
    assert "hello" in body["feedback"]
    assert_no_answer_material(response.content.decode())
    assert charges(student) == [-LAB_RUN_PRICE]
    assert not LabCompletion.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "shown"),
    [
        (Outcome(status_id=6, compile_output="SyntaxError: bad"), "SyntaxError: bad"),
        (Outcome(status_id=11, stderr="ZeroDivisionError"), "ZeroDivisionError"),
        (Outcome(status_id=5, stdout="partial"), "Time limit exceeded"),
    ],
)
def test_the_programs_own_failures_are_failed_verdicts_and_charged(
    student_client, student, enrolled, content, judge0, outcome, shown
):
    judge0.outcomes.append(outcome)
    body = submit(student_client, content, content.stdout_lab, "x").json()
    assert body["verdict"] == "failed" and shown in body["feedback"]
    assert charges(student) == [-LAB_RUN_PRICE]


@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [
        (Outcome(status_id=13, stderr="sandbox broke"), 502, "lab_runner_failed"),
        (Outcome(status_id=14), 502, "lab_runner_failed"),
        (Reply(500, {"error": "boom"}), 502, "lab_runner_failed"),
        (Reply(200, b"not json"), 502, "lab_runner_failed"),
    ],
)
def test_a_runner_failure_charges_and_records_nothing(
    student_client, student, enrolled, content, judge0, failure, status, code
):
    judge0.outcomes.append(failure)
    response = submit(student_client, content, content.stdout_lab, SOLVED)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert charges(student) == [] and not LabSubmission.objects.exists()
    # Not stored under the key: the retry runs again, gets a verdict and is charged once.
    retried = submit(student_client, content, content.stdout_lab, SOLVED)
    assert retried.status_code == 200 and retried.json()["verdict"] == "passed"
    assert charges(student) == [-LAB_RUN_PRICE]


def test_an_unreachable_runner_is_503_and_charges_nothing(
    student_client, student, enrolled, content, settings
):
    settings.JUDGE0_URL = "http://127.0.0.1:9"
    settings.JUDGE0_AUTH_TOKEN = AUTH_TOKEN
    response = submit(student_client, content, content.stdout_lab, SOLVED)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "lab_runner_unavailable"
    assert charges(student) == [] and not LabSubmission.objects.exists()


def test_a_refused_runner_token_is_503(
    student_client, student, enrolled, content, judge0, settings
):
    settings.JUDGE0_AUTH_TOKEN = "wrong-token"
    response = submit(student_client, content, content.stdout_lab, SOLVED)
    assert response.status_code == 503 and charges(student) == []


def test_without_a_runner_executed_labs_are_503_and_static_labs_work(
    student_client, student, enrolled, unlocked, settings
):
    settings.JUDGE0_URL = ""
    response = submit(student_client, unlocked, unlocked.stdout_lab, SOLVED)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "lab_runner_unavailable"
    assert charges(student) == []
    ok = submit(
        student_client, unlocked, unlocked.regex_lab, "def SECRETPATTERN(", key="second-key"
    )
    assert ok.status_code == 200


def test_a_language_the_runner_has_no_id_for_is_503(
    student_client, student, enrolled, content, judge0
):
    page = LabFactory(
        course=content.course,
        order=9,
        title="Page",
        language="html",
        instructions="Write",
        expected_output="SECRET-OUTPUT",
    )
    response = submit(student_client, content, page, "<p>hi</p>")
    assert response.status_code == 503
    assert response.json()["error"]["details"] == {"reason": "not_supported", "language": "html"}
    assert judge0.requests == [] and charges(student) == []


# --- Charging -------------------------------------------------------------------------------
def test_a_retry_with_the_same_key_replays_the_verdict_and_charges_once(
    student_client, student, enrolled, content, judge0
):
    first = submit(student_client, content, content.stdout_lab, SOLVED)
    again = submit(student_client, content, content.stdout_lab, SOLVED)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(judge0.submissions()) == 1
    assert charges(student) == [-LAB_RUN_PRICE] and LabSubmission.objects.count() == 1
    other = submit(student_client, content, content.stdout_lab, "print('x')")
    assert other.status_code == 422  # same key, another body
    assert (
        submit(student_client, content, content.stdout_lab, SOLVED, key="second-key").status_code
        == 200
    )
    assert charges(student) == [-LAB_RUN_PRICE] * 2


def test_an_idempotency_key_is_required(student_client, enrolled, content, judge0):
    response = student_client.post(
        f"/api/labs/{content.course.pk}/{content.stdout_lab.pk}/submit",
        {"code": SOLVED},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert judge0.requests == []


def test_not_enough_credits_is_402_and_nothing_runs(guru_in_process, judge0):
    content = guru_course()
    poor = enrolled_student(content.course, credits=LAB_RUN_PRICE - 1)
    client = Client()
    client.force_login(poor)
    response = submit(client, content, content.stdout_lab, SOLVED)
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_credits"
    assert judge0.requests == [] and not LabSubmission.objects.exists()


def test_a_lab_run_guru_does_not_price_is_free(guru_in_process, judge0):
    content = guru_course(lab_run_price=None)
    student = enrolled_student(content.course, credits=0)
    client = Client()
    client.force_login(student)
    body = submit(client, content, content.stdout_lab, SOLVED).json()
    assert body["verdict"] == "passed" and body["credits_charged"] == 0
    assert charges(student) == []


def test_code_over_the_size_limit_is_refused(student_client, enrolled, content, judge0, settings):
    settings.LAB_CODE_MAX_BYTES = 10
    response = submit(student_client, content, content.stdout_lab, "print('é' * 100)")
    assert response.status_code == 400 and "code" in response.json()["error"]["fields"]
    assert judge0.requests == []


def test_lab_submissions_are_rate_limited_per_student(
    student_client, enrolled, content, judge0, settings
):
    settings.LAB_SUBMIT_RATE = "2/m"
    statuses = [
        submit(
            student_client, content, content.stdout_lab, SOLVED, key=f"submit-key-{n}"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_key_charge_once(guru_in_process, judge0):
    content = guru_course()
    student = enrolled_student(content.course)
    warm = Client()
    warm.force_login(student)
    warm.get(f"/api/labs/{content.course.pk}")  # Guru's labs in the cache

    def attempt() -> int:
        client = Client()
        client.force_login(student)
        return submit(client, content, content.stdout_lab, SOLVED, key="same-key").status_code

    statuses = race(*[attempt] * 4)
    assert set(statuses) <= {200, 409} and 200 in statuses
    assert charges(student) == [-LAB_RUN_PRICE]
    assert LabSubmission.objects.count() == 1 and LabCompletion.objects.count() == 1


# --- Settings -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"JUDGE0_URL": "https://judge0.internal", "JUDGE0_AUTH_TOKEN": None}, "JUDGE0_AUTH_TOKEN"),
        ({"JUDGE0_LANGUAGE_IDS": "python:seventy"}, "JUDGE0_LANGUAGE_IDS"),
    ],
)
def test_production_refuses_a_half_configured_runner(change, complaint):
    result = run_manage("check", **change)
    assert result.returncode != 0 and complaint in result.stderr


# --- Patterns run on RE2 -------------------------------------------------------------------
def test_a_catastrophic_pattern_still_gives_a_verdict(student_client, enrolled, unlocked):
    # ^(a+)+$ backtracks exponentially on Python's re: 30 characters already take minutes.
    Lab.objects.filter(pk=unlocked.regex_lab.pk).update(expected_pattern=r"^(a+)+$")
    failed = submit(student_client, unlocked, unlocked.regex_lab, "a" * 5000 + "!", key="k-fail-1")
    assert failed.status_code == 200 and failed.json()["verdict"] == "failed"
    passed = submit(student_client, unlocked, unlocked.regex_lab, "a" * 5000, key="k-pass-1")
    assert passed.status_code == 200 and passed.json()["verdict"] == "passed"


def test_a_pattern_saved_before_re2_is_never_guessed_nor_charged(
    student_client, student, enrolled, unlocked
):
    Lab.objects.filter(pk=unlocked.regex_lab.pk).update(expected_pattern=r"(def)\s+\1")
    response = submit(student_client, unlocked, unlocked.regex_lab, "def def", key="k-backref")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "lab_runner_unavailable"
    assert error["details"] == {"reason": "not_supported", "check": "pattern"}
    assert charges(student) == []
    assert not LabSubmission.objects.filter(lab_id=unlocked.regex_lab.pk).exists()


def test_a_key_without_the_grading_scope_gets_no_verdict_and_no_charge(
    student_client, student, enrolled, unlocked
):
    # Guru keeps a lab's expected output and pattern from a key without the grading scope.
    catalog_only = api_key("catalog")
    for session in (guru_client().session, guru_client().poll_session):
        session.headers["X-API-Key"] = catalog_only
    response = submit(student_client, unlocked, unlocked.regex_lab, "def SECRETPATTERN(): ...")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "guru_unavailable"
    assert error["details"]["reason"] == "credentials_refused"
    assert charges(student) == []
    assert not LabSubmission.objects.filter(lab_id=unlocked.regex_lab.pk).exists()
