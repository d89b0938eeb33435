"""A student walks a whole course through the API, with the student side reading this
project's real Guru public API: enroll, lessons, a locked then unlocked lab, a Judge0 lab, a
test submitted late and then on time, a project, a certificate and the marksheet."""

import pytest
from django.test import Client

from guru.models import Project
from learning.models import Certificate, TestAttempt
from tests.factories import (
    ActionPriceFactory,
    CertificateRuleFactory,
    ProjectFactory,
    StudentFactory,
)
from tests.learning.content import LAB_RUN_PRICE, guru_course
from tests.learning.test_tests import ALL_RIGHT, assert_no_answer_material, expire, submit
from tests.wallets import balance

pytestmark = pytest.mark.django_db
CERTIFICATE_PRICE = 5


@pytest.fixture
def content(guru_in_process):
    """Guru's side, as admins set it up: a course with lessons, labs, a test (two attempts),
    a project, certificate rules and prices."""
    content = guru_course(max_attempts=2)
    ProjectFactory(course=content.course, title="Capstone", description="Build it")
    CertificateRuleFactory(
        course=content.course,
        test_pass_percentage=60,
        required_tests=[content.test],
        required_labs=[content.stdout_lab],
    )
    ActionPriceFactory(action="certificate_issue", credits=CERTIFICATE_PRICE)
    return content


def test_a_student_walks_a_whole_course(content, judge0, settings):
    student = StudentFactory(
        email="asha@example.com", name="Asha Verma", verified=True, credits=100
    )
    client = Client()
    client.force_login(student)
    course_id, seen = content.course.pk, []

    def call(method: str, path: str, body: dict | None = None, **headers):
        response = getattr(client, method)(
            path, body or {}, content_type="application/json", headers=headers
        )
        seen.append(response.content.decode())
        return response

    # Enroll: Guru's credit cost (30) charged once, however often the student asks.
    assert call("post", f"/api/courses/{course_id}/enroll").status_code == 201
    assert call("post", f"/api/courses/{course_id}/enroll").status_code == 200
    assert balance(student) == 70

    # A lab locked behind a lesson, opened by completing that lesson.
    regex_lab = f"/api/labs/{course_id}/{content.regex_lab.pk}"
    locked = call("get", regex_lab)
    assert locked.status_code == 403 and locked.json()["error"]["code"] == "lab_locked"
    lesson = call("get", f"/api/learning/lesson/{content.lessons[0].pk}")
    assert lesson.status_code == 200 and lesson.json()["completed"] is False
    assert call("post", f"/api/learning/lesson/{content.lessons[0].pk}/complete").status_code == 200
    assert call("get", regex_lab).status_code == 200

    # A lab run on Judge0, charged once per verdict. (Its feedback is the student's own
    # program's output, which here prints the expected text: it is not added to `seen`.)
    submitted = client.post(
        f"/api/labs/{course_id}/{content.stdout_lab.pk}/submit",
        {"code": "print('SECRET-OUTPUT')"},
        content_type="application/json",
        headers={"Idempotency-Key": "walk-lab-0001"},
    )
    assert submitted.status_code == 200 and submitted.json()["verdict"] == "passed"
    assert len(judge0.submissions()) == 1
    assert balance(student) == 70 - LAB_RUN_PRICE

    # The test: a late answer is refused, the second attempt on time is graded.
    tests = f"/api/tests/{course_id}/{content.test.pk}"
    first = call("post", f"{tests}/start").json()["id"]
    expire(first, seconds_ago=settings.TEST_SUBMIT_GRACE_SECONDS + 5)
    late = submit(client, content, ALL_RIGHT)
    assert late.status_code == 409 and late.json()["error"]["code"] == "attempt_expired"
    seen.append(late.content.decode())
    assert call("post", f"{tests}/start").status_code == 201
    # Nothing a student saw before their own submission carried answer material.
    for body in seen:
        assert_no_answer_material(body)
    graded = submit(client, content, ALL_RIGHT).json()
    assert (graded["percent"], graded["passed"]) == (100, True)
    assert TestAttempt.objects.filter(user=student, status="submitted").count() == 1

    # A project.
    project = Project.objects.get(course=content.course)
    sent = call(
        "post",
        f"/api/projects/{course_id}/{project.pk}/submit",
        {"repo_url": "https://github.com/asha/capstone", "show_in_portfolio": True},
    )
    assert sent.status_code == 201

    # The certificate: eligible now, charged once, verifiable by anyone.
    progress = call("get", f"/api/courses/{course_id}/progress").json()
    assert progress["certificate"]["eligible"] is True, progress
    issued = call("post", "/api/certificates/generate", {"course_id": course_id})
    again = call("post", "/api/certificates/generate", {"course_id": course_id})
    assert (issued.status_code, again.status_code) == (201, 200)
    assert balance(student) == 70 - LAB_RUN_PRICE - CERTIFICATE_PRICE
    certificate_id = issued.json()["id"]
    assert Certificate.objects.filter(user=student).count() == 1
    public = Client().get(f"/api/verify/certificate/{certificate_id}").json()
    assert public["student_name"] == "Asha Verma" and "email" not in str(public)
    pdf = client.get(f"/api/certificates/{certificate_id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # The marksheet: one completed course at 100 % -> grade O (10 points), CGPA 10 over
    # Guru's 4 academic credits.
    marksheet = call("get", "/api/marksheet").json()
    (row,) = marksheet["courses"]
    assert (row["grade"], row["academic_credits"]) == ("O", 4)
    assert float(marksheet["cgpa"]) == 10.0
