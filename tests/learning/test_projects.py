"""GET /api/projects/:courseId and POST /api/projects/:courseId/:projectId/submit."""

import pytest

from guru.models import Project
from learning.models import ProjectSubmission
from shishya.models import Notification
from tests.factories import ProjectFactory, StudentFactory
from tests.guru.catalogue import assessments_for, course_with_content
from tests.learning.core_helpers import (
    assert_no_answer_material,
    logged_in,
)

pytestmark = pytest.mark.usefixtures("guru_in_process")

SUBMISSION = {
    "repo_url": "https://github.com/learner/build",
    "live_url": "https://build.example.com",
    "notes": "Deployed on a free tier.",
}


@pytest.fixture
def course():
    """A course with a quiz, a lab and a project, and a certificate rule (assessments_for)."""
    course = course_with_content()
    assessments_for(course)
    return course


@pytest.fixture
def project(course) -> Project:
    return course.projects.get()


def submit_path(course, project) -> str:
    return f"/api/projects/{course.pk}/{project.pk}/submit"


def test_projects_list_guru_briefs_with_the_students_submission_and_no_graders_notes(
    course, project, student, enrolled
):
    client = logged_in(student)
    before = client.get(f"/api/projects/{course.pk}")
    assert before.status_code == 200
    [brief] = before.json()
    assert brief["id"] == project.pk and brief["title"] == "Build"
    assert brief["description"] == "Build a thing" and brief["submission"] is None
    client.post(submit_path(course, project), SUBMISSION, content_type="application/json")
    [after] = client.get(f"/api/projects/{course.pk}").json()
    assert after["submission"]["status"] == "pending"
    assert after["submission"]["repo_url"] == SUBMISSION["repo_url"]
    assert_no_answer_material(before)
    assert "evaluation_notes" not in after and "Secret rubric" not in str(after)


def test_submitting_stores_the_links_and_notifies_the_student(course, project, student, enrolled):
    response = logged_in(student).post(
        submit_path(course, project),
        {**SUBMISSION, "show_in_portfolio": True},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "pending" and response.json()["show_in_portfolio"]
    stored = ProjectSubmission.objects.get(user=student)
    assert (stored.course_id, stored.project_id) == (course.pk, project.pk)
    assert stored.live_url == SUBMISSION["live_url"] and stored.notes == SUBMISSION["notes"]
    notice = Notification.objects.get(user=student, kind="project_submitted")
    assert notice.data == {"course_id": course.pk, "project_id": project.pk}
    assert_no_answer_material(response)


def test_a_resubmission_replaces_the_pending_one_and_keeps_the_portfolio_choice(
    course, project, student, enrolled
):
    client = logged_in(student)
    client.post(
        submit_path(course, project),
        {**SUBMISSION, "show_in_portfolio": True},
        content_type="application/json",
    )
    again = client.post(
        submit_path(course, project),
        {"repo_url": "https://gitlab.com/learner/build-v2"},
        content_type="application/json",
    )
    assert again.status_code == 200
    stored = ProjectSubmission.objects.get(user=student)
    assert stored.repo_url == "https://gitlab.com/learner/build-v2"
    assert stored.live_url == "" and stored.notes == "" and stored.show_in_portfolio is True
    assert Notification.objects.filter(user=student, kind="project_submitted").count() == 2


def test_a_submission_needing_changes_goes_back_to_pending_but_an_accepted_one_stays(
    course, project, student, enrolled
):
    client = logged_in(student)
    client.post(submit_path(course, project), SUBMISSION, content_type="application/json")
    ProjectSubmission.objects.update(status=ProjectSubmission.Status.REJECTED)
    resubmitted = client.post(
        submit_path(course, project), SUBMISSION, content_type="application/json"
    )
    assert resubmitted.status_code == 200 and resubmitted.json()["status"] == "pending"
    ProjectSubmission.objects.update(status=ProjectSubmission.Status.ACCEPTED)
    refused = client.post(
        submit_path(course, project),
        {"repo_url": "https://github.com/learner/other"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "project_already_accepted"
    assert ProjectSubmission.objects.get().repo_url == SUBMISSION["repo_url"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "repo_url"),
        ({"repo_url": "not a url"}, "repo_url"),
        ({"repo_url": "ftp://example.com/code"}, "repo_url"),
        ({"repo_url": "javascript:alert(1)"}, "repo_url"),
        ({"repo_url": "https://example.com/" + "a" * 500}, "repo_url"),
        ({**SUBMISSION, "live_url": "file:///etc/passwd"}, "live_url"),
        ({**SUBMISSION, "notes": "n" * 5001}, "notes"),
        ({**SUBMISSION, "status": "accepted"}, "status"),
    ],
)
def test_invalid_submissions_are_400_and_store_nothing(
    course, project, student, enrolled, body, field
):
    response = logged_in(student).post(
        submit_path(course, project), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not ProjectSubmission.objects.exists()
    assert not Notification.objects.exists()


def test_not_enrolled_comes_first_and_unknown_projects_are_404(course, project, student, enrolled):
    other = course_with_content(title="Other")
    other_project = ProjectFactory(course=other, title="Elsewhere")
    outsider = logged_in(StudentFactory(email="other@example.com"))
    # The one access rule (learning.access): an outsider hears not_enrolled whatever the
    # project or course, so it learns nothing of what a course holds.
    for response in (
        outsider.get(f"/api/projects/{course.pk}"),
        outsider.get("/api/projects/999999"),
        outsider.post(submit_path(course, project), SUBMISSION, content_type="application/json"),
        outsider.post(
            f"/api/projects/{course.pk}/{other_project.pk}/submit",
            SUBMISSION,
            content_type="application/json",
        ),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_enrolled"
    response = logged_in(student).post(
        f"/api/projects/{course.pk}/{other_project.pk}/submit",
        SUBMISSION,
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "project_not_found"
    assert not ProjectSubmission.objects.exists()


def test_project_list_queries_are_bounded(course, student, enrolled, django_assert_max_num_queries):
    for n in range(5):
        ProjectFactory(course=course, title=f"Extra {n}")
    client = logged_in(student)
    client.get(f"/api/projects/{course.pk}")  # Guru's copy of the projects is now cached
    # 1 session, 2 user, 3 enrollment check, 4 the student's submissions in the course.
    with django_assert_max_num_queries(4):
        response = client.get(f"/api/projects/{course.pk}")
    assert len(response.json()) == 6
