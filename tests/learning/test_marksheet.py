"""GET /api/marksheet and its public verification: grades, credit-weighted CGPA and
classification, computed from the student's own submitted attempts."""

from decimal import Decimal

import pytest

from guru.models import Course, Test
from learning.marksheet.grades import classification_for, grade_for
from learning.models import Certificate, MarksheetIdentity, TestAttempt
from tests.factories import CourseFactory, EnrollmentFactory, TestFactory
from tests.learning.records import sit_test

pytestmark = pytest.mark.usefixtures("guru_in_process")


def course_with_tests(title: str, credits: int, tests: int) -> tuple[Course, list[Test]]:
    course = CourseFactory(title=title, academic_credits=credits, modules=1, modules__lessons=1)
    made = [
        TestFactory(course=course, title=f"{title} test {n}", pass_percentage=50)
        for n in range(tests)
    ]
    return course, made


def sit_all(student, course, tests, percents) -> None:
    EnrollmentFactory(user=student, course_id=course.pk)
    for test, percent in zip(tests, percents, strict=True):
        sit_test(student, course.pk, test.pk, percent)


def marksheet(client) -> dict:
    response = client.get("/api/marksheet")
    assert response.status_code == 200, response.content
    return response.json()


def test_grades_cgpa_and_classification_on_a_worked_example(student_client, student):
    algebra, algebra_tests = course_with_tests("Algebra", credits=4, tests=2)
    biology, biology_tests = course_with_tests("Biology", credits=3, tests=2)
    chemistry, chemistry_tests = course_with_tests("Chemistry", credits=2, tests=1)
    sit_all(student, algebra, algebra_tests, [92, 88])
    sit_test(student, algebra.pk, algebra_tests[1].pk, 80)  # a worse retake: the best counts
    sit_all(student, biology, biology_tests, [75, 70])
    sit_all(student, chemistry, chemistry_tests, [35])

    body = marksheet(student_client)
    rows = {row["course_title"]: row for row in body["courses"]}
    # Algebra: (92 + 88) / 2 = 90.00 -> O, 10 points
    assert (rows["Algebra"]["score"], rows["Algebra"]["grade"]) == ("90.00", "O")
    assert rows["Algebra"]["grade_points"] == 10 and rows["Algebra"]["academic_credits"] == 4
    # Biology: (75 + 70) / 2 = 72.50 -> A, 8 points
    assert (rows["Biology"]["score"], rows["Biology"]["grade"]) == ("72.50", "A")
    assert rows["Biology"]["grade_points"] == 8
    # Chemistry: 35.00 -> F, 0 points
    assert (rows["Chemistry"]["score"], rows["Chemistry"]["grade"]) == ("35.00", "F")
    assert rows["Chemistry"]["grade_points"] == 0
    assert all(row["completed_via"] == "tests" for row in body["courses"])
    assert body["total_credits"] == 9  # 4 + 3 + 2
    # CGPA: (10*4 + 8*3 + 0*2) / 9 = 64 / 9 = 7.111 -> 7.11
    assert body["cgpa"] == "7.11"
    # Percentage: (90*4 + 72.5*3 + 35*2) / 9 = 647.5 / 9 = 71.944 -> 71.94 -> First Class
    assert body["percentage"] == "71.94" and body["classification"] == "first_class"
    assert body["student_name"] == "Asha Rao"


def test_a_second_worked_example_rounds_half_up_to_a_distinction(student_client, student):
    data, data_tests = course_with_tests("Data", credits=3, tests=2)
    ethics, ethics_tests = course_with_tests("Ethics", credits=1, tests=1)
    sit_all(student, data, data_tests, [81, 80])
    sit_all(student, ethics, ethics_tests, [100])
    body = marksheet(student_client)
    rows = {row["course_title"]: row for row in body["courses"]}
    # Data: (81 + 80) / 2 = 80.50 -> A+, 9 points; Ethics: 100.00 -> O, 10 points
    assert (rows["Data"]["score"], rows["Data"]["grade"]) == ("80.50", "A+")
    assert (rows["Ethics"]["score"], rows["Ethics"]["grade"]) == ("100.00", "O")
    # CGPA: (9*3 + 10*1) / 4 = 37 / 4 = 9.25
    assert body["cgpa"] == "9.25"
    # Percentage: (80.5*3 + 100*1) / 4 = 341.5 / 4 = 85.375 -> 85.38 -> Distinction
    assert body["percentage"] == "85.38" and body["classification"] == "distinction"


def test_grade_and_classification_boundaries():
    assert grade_for(Decimal("90.00")) == ("O", 10)
    assert grade_for(Decimal("89.99")) == ("A+", 9)
    assert grade_for(Decimal("80")) == ("A+", 9)
    assert grade_for(Decimal("70")) == ("A", 8)
    assert grade_for(Decimal("60")) == ("B+", 7)
    assert grade_for(Decimal("50")) == ("B", 6)
    assert grade_for(Decimal("40")) == ("C", 5)
    assert grade_for(Decimal("39.99")) == ("F", 0)
    assert classification_for(Decimal("75")) == "distinction"
    assert classification_for(Decimal("74.99")) == "first_class"
    assert classification_for(Decimal("60")) == "first_class"
    assert classification_for(Decimal("50")) == "second_class"
    assert classification_for(Decimal("40")) == "pass"
    assert classification_for(Decimal("39.99")) == "fail"


def test_only_completed_courses_count(student_client, student):
    partial, partial_tests = course_with_tests("Partial", credits=2, tests=2)
    certified, certified_tests = course_with_tests("Certified", credits=2, tests=2)
    revoked, revoked_tests = course_with_tests("Revoked", credits=2, tests=2)
    # One of two tests submitted, the other only started: not completed.
    sit_all(student, partial, partial_tests[:1], [95])
    sit_test(student, partial.pk, partial_tests[1].pk, 0, status=TestAttempt.Status.ACTIVE)
    # One of two tests, but a certificate: completed, scored on the test submitted.
    sit_all(student, certified, certified_tests[:1], [65])
    sit_all(student, revoked, revoked_tests[:1], [65])
    for course, revoked_at in ((certified, None), (revoked, "2025-01-01T00:00:00Z")):
        Certificate.objects.create(
            id=f"OSC-TEST-{course.pk:04d}-0000-0000",
            user=student,
            course_id=course.pk,
            student_name="Asha Rao",
            course_title=course.title,
            revoked_at=revoked_at,
        )
    body = marksheet(student_client)
    assert [(r["course_title"], r["completed_via"], r["score"]) for r in body["courses"]] == [
        ("Certified", "certificate", "65.00")
    ]
    # 65.00 -> B+ (7 points) on 2 credits: CGPA 7.00, 65 % -> First Class
    assert body["cgpa"] == "7.00" and body["classification"] == "first_class"


def test_an_empty_marksheet_has_no_cgpa(student_client):
    body = marksheet(student_client)
    assert body["courses"] == [] and body["total_credits"] == 0
    assert body["cgpa"] is None and body["classification"] is None


def test_the_verification_id_is_readable_and_stable(student_client):
    first = marksheet(student_client)["verification_id"]
    assert first.startswith("OSM-") and len(first) == 23
    assert marksheet(student_client)["verification_id"] == first
    assert MarksheetIdentity.objects.count() == 1


def test_public_marksheet_verification_is_minimal(student_client, client, student):
    course, tests = course_with_tests("Algebra", credits=4, tests=1)
    sit_all(student, course, tests, [91])
    verification_id = marksheet(student_client)["verification_id"]
    client.logout()
    response = client.get(f"/api/verify/marksheet/{verification_id.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "verification_id",
        "student_name",
        "as_of",
        "courses",
        "total_credits",
        "cgpa",
        "classification",
    }
    assert body["courses"] == [{"course_title": "Algebra", "academic_credits": 4, "grade": "O"}]
    assert body["cgpa"] == "10.00" and body["classification"] == "distinction"
    text = response.content.decode()
    assert student.email not in text and f'"id": {student.pk}' not in text
    assert "course_id" not in text and "user" not in text and "email" not in text
    unknown = client.get("/api/verify/marksheet/OSM-0000-0000-0000-0000")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert client.get("/api/verify/marksheet/garbage").status_code == 404
