"""GET /api/courses/:id/progress: done against Guru's totals, and what the certificate needs."""

import pytest

from guru.models import CertificateRule, Lab, Project, Test
from learning.models import ProjectSubmission
from tests.factories import (
    CertificateRuleFactory,
    EnrollmentFactory,
    LabFactory,
    ProjectFactory,
    TestFactory,
)
from tests.guru.catalogue import assessments_for, course_with_content
from tests.learning.records import (
    complete_lab,
    complete_lessons,
    sit_test,
    submit_project,
)

pytestmark = pytest.mark.usefixtures("guru_in_process")


def lesson_ids(course) -> list[int]:
    return [lesson.pk for module in course.modules.all() for lesson in module.lessons.all()]


@pytest.fixture
def course():
    """A quiz, a lab worth 30 % and a project; the certificate needs all three and 50 % of
    the labs' weight."""
    course = course_with_content()
    test = TestFactory(course=course, questions=1)
    lab = LabFactory(course=course, order=0, certificate_weight=30)
    project = ProjectFactory(course=course)
    CertificateRuleFactory(
        course=course,
        min_lab_weight=50,
        required_tests=[test],
        required_labs=[lab],
        required_projects=[project],
    )
    return course


def progress(client, course):
    response = client.get(f"/api/courses/{course.pk}/progress")
    assert response.status_code == 200, response.content
    return response.json()


def test_progress_counts_done_against_guru_totals_and_lists_what_is_missing(
    student_client, course, student
):
    EnrollmentFactory(user=student, course_id=course.pk)
    complete_lessons(student, course.pk, lesson_ids(course)[:3])
    test = Test.objects.get(course=course)
    sit_test(student, course.pk, test.pk, 40)
    body = progress(student_client, course)
    assert body["lessons"] == {"completed": 3, "total": 6}
    assert body["labs"] == {"completed": 0, "total": 1}
    assert body["tests"] == {"completed": 0, "total": 1}
    assert body["projects"] == {"completed": 0, "total": 1}
    assert body["percent"] == 33  # 3 of 9 items
    certificate = body["certificate"]
    assert certificate["offered"] is True and certificate["eligible"] is False
    assert certificate["issued"] is False and certificate["certificate_id"] is None
    lab = Lab.objects.get(course=course)
    project = Project.objects.get(course=course)
    assert certificate["missing"] == [
        {"kind": "test", "id": test.pk, "title": "Quiz", "required": 60, "achieved": 40},
        {"kind": "lab", "id": lab.pk, "title": "Hello", "required": None, "achieved": None},
        {"kind": "lab_weight", "id": None, "title": "", "required": 50, "achieved": 0},
        {"kind": "project", "id": project.pk, "title": "Build", "required": None, "achieved": None},
    ]


def test_the_rules_mark_overrides_the_tests_own_and_meeting_everything_is_eligible(
    student_client, course, student
):
    EnrollmentFactory(user=student, course_id=course.pk)
    CertificateRule.objects.filter(course=course).update(test_pass_percentage=80, min_lab_weight=30)
    test = Test.objects.get(course=course)
    sit_test(student, course.pk, test.pk, 70)
    complete_lab(student, course.pk, Lab.objects.get(course=course).pk)
    submit_project(student, course.pk, Project.objects.get(course=course).pk)
    body = progress(student_client, course)
    assert body["tests"] == {"completed": 1, "total": 1}  # passed its own 60 %
    assert body["certificate"]["missing"] == [
        {"kind": "test", "id": test.pk, "title": "Quiz", "required": 80, "achieved": 70}
    ]
    sit_test(student, course.pk, test.pk, 85)
    body = progress(student_client, course)
    assert body["certificate"]["missing"] == [] and body["certificate"]["eligible"] is True
    assert body["percent"] == 33  # 0 of 6 lessons, 3 of 3 assessments


def test_a_project_sent_back_for_changes_does_not_count(student_client, course, student):
    EnrollmentFactory(user=student, course_id=course.pk)
    project = Project.objects.get(course=course)
    submit_project(student, course.pk, project.pk, status=ProjectSubmission.Status.REJECTED)
    body = progress(student_client, course)
    assert body["projects"] == {"completed": 0, "total": 1}
    assert {"kind": "project", "id": project.pk}.items() <= body["certificate"]["missing"][
        -1
    ].items()


def test_a_course_without_certificate_rules_offers_none(student_client, student):
    course = course_with_content()
    EnrollmentFactory(user=student, course_id=course.pk)
    body = progress(student_client, course)
    assert body["certificate"] == {
        "offered": False,
        "eligible": False,
        "issued": False,
        "certificate_id": None,
        "missing": [],
    }
    assert body["percent"] == 0


def test_only_enrolled_students_see_progress(student_client, client, course):
    response = student_client.get(f"/api/courses/{course.pk}/progress")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_enrolled"
    student_client.logout()
    assert client.get(f"/api/courses/{course.pk}/progress").status_code == 401


def test_unknown_course_is_404(student_client, student):
    EnrollmentFactory(user=student, course_id=999_999)
    assert student_client.get("/api/courses/999999/progress").status_code == 404


def test_progress_takes_the_same_few_queries_whatever_the_course_size(
    student_client, django_assert_num_queries, student
):
    small, large = course_with_content(), course_with_content(title="Big", modules=8, lessons=12)
    for course in (small, large):
        assessments_for(course)
        EnrollmentFactory(user=student, course_id=course.pk)
        complete_lessons(student, course.pk, lesson_ids(course))
        progress(student_client, course)  # Guru's answers are cached from here on
    for course in (small, large):
        # user (the session comes from the cache), enrollment, lessons, labs, best tests,
        # projects, certificate id
        with django_assert_num_queries(7):
            progress(student_client, course)
    assert progress(student_client, large)["lessons"] == {"completed": 96, "total": 96}
