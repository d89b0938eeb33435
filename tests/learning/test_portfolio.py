"""GET /api/portfolio/me and /api/portfolio/:username."""

import pytest
from django.utils import timezone

from accounts.models import User
from learning.models import Certificate, LessonCompletion, ProjectSubmission
from tests.factories import EnrollmentFactory, ProjectFactory
from tests.guru.catalogue import assessments_for, course_with_content
from tests.learning.core_helpers import assert_no_answer_material, json_values, logged_in
from tests.wallets import fund

pytestmark = pytest.mark.usefixtures("guru_in_process", "portfolio")
PROFILE = {
    "username": "asha",
    "headline": "Python learner",
    "bio": "I build small tools.",
    "links": ["https://github.com/asha"],
    "portfolio_visibility": User.PortfolioVisibility.PUBLIC,
}
PRIVATE_KEYS = {"email", "balance", "user", "user_id", "pk", "ledger_entry_id", "rules_snapshot"}


@pytest.fixture
def course():
    """A course with a quiz, a lab and a project, and a certificate rule (assessments_for)."""
    course = course_with_content()
    assessments_for(course)
    return course


@pytest.fixture
def portfolio(student, course) -> None:
    """The student's public portfolio: a profile, 77 credits, one course with a shown project
    and a certificate, another with a hidden project and a revoked certificate."""
    for field, value in PROFILE.items():
        setattr(student, field, value)
    student.save(update_fields=list(PROFILE))
    fund(student, 77)
    EnrollmentFactory(user=student, course_id=course.pk)
    project = course.projects.get()
    ProjectSubmission.objects.create(
        user=student,
        course_id=course.pk,
        project_id=project.pk,
        repo_url="https://github.com/asha/build",
        live_url="https://build.example.com",
        notes="private notes to the reviewer",
        show_in_portfolio=True,
    )
    hidden_course = course_with_content(title="SQL")
    hidden_project = ProjectFactory(course=hidden_course, title="Hidden")
    ProjectSubmission.objects.create(
        user=student,
        course_id=hidden_course.pk,
        project_id=hidden_project.pk,
        repo_url="https://github.com/asha/not-shown",
    )
    certificate(student, course, "OSC-AAAA-BBBB-CCCC-DDDD", ["python", "testing"])
    revoked = certificate(student, hidden_course, "OSC-EEEE-FFFF-GGGG-HHHH", ["sql"])
    revoked.revoked_at = timezone.now()
    revoked.save()


def certificate(student, course, public_id: str, skills: list[str]) -> Certificate:
    return Certificate.objects.create(
        id=public_id,
        user=student,
        course_id=course.pk,
        student_name=student.name,
        course_title=course.title,
        skills=skills,
        rules_snapshot={"required_test_ids": [1]},
        credits_charged=5,
    )


def test_a_visible_portfolio_shows_profile_skills_certificates_courses_and_chosen_projects(
    client, student
):
    response = client.get("/api/portfolio/asha")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "asha" and body["name"] == "Asha Rao"
    assert body["headline"] == "Python learner" and body["links"] == ["https://github.com/asha"]
    assert body["skills"] == ["python", "testing"]  # the revoked certificate's skills are not
    [cert] = body["certificates"]
    assert cert["id"] == "OSC-AAAA-BBBB-CCCC-DDDD" and cert["course_title"] == "Python"
    assert cert["verification_url"] == "/api/verify/certificate/OSC-AAAA-BBBB-CCCC-DDDD"
    assert cert["verification_page_url"] == "/verify/certificate/OSC-AAAA-BBBB-CCCC-DDDD"
    assert [c["title"] for c in body["completed_courses"]] == ["Python"]
    [project] = body["projects"]
    assert project["title"] == "Build" and project["course_title"] == "Python"
    assert project["repo_url"] == "https://github.com/asha/build"
    assert "notes" not in project
    assert client.get("/api/portfolio/ASHA").json() == body  # usernames ignore case


def test_hidden_and_unknown_portfolios_look_the_same(client, student):
    unknown = client.get("/api/portfolio/nobody_here")
    User.objects.filter(pk=student.pk).update(portfolio_visibility=User.PortfolioVisibility.PRIVATE)
    hidden = client.get("/api/portfolio/asha")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()
    assert hidden.json()["error"]["code"] == "portfolio_not_found"


def test_my_portfolio_is_what_others_see_plus_private_stats(client, student, course):
    lesson_ids = course.modules.first().lessons.values_list("id", flat=True)[:2]
    for lesson_id in lesson_ids:
        LessonCompletion.objects.create(user=student, course_id=course.pk, lesson_id=lesson_id)
    public = client.get("/api/portfolio/asha").json()
    mine = logged_in(student).get("/api/portfolio/me")
    assert mine.status_code == 200
    body = mine.json()
    assert body["portfolio"] == public
    assert body["portfolio_visibility"] == "public" and body["public_url"] == "/api/portfolio/asha"
    assert body["stats"] == {
        "enrolled_courses": 1,
        "lessons_completed": 2,
        "labs_completed": 0,
        "tests_passed": 0,
        "projects_submitted": 2,
    }
    User.objects.filter(pk=student.pk).update(portfolio_visibility=User.PortfolioVisibility.PRIVATE)
    private = logged_in(student).get("/api/portfolio/me").json()
    assert private["public_url"] is None and private["portfolio"] == public


def test_no_portfolio_response_carries_the_email_balance_or_internal_ids(client, student):
    public = client.get("/api/portfolio/asha")
    mine = logged_in(student).get("/api/portfolio/me")
    for document in (public.json(), mine.json()["portfolio"]):
        pairs = list(json_values(document))
        assert pairs, "the portfolio has content"
        assert not PRIVATE_KEYS & {key for key, _ in pairs}
        # Ids on a portfolio are public certificate ids (strings); no database id is shown.
        assert [
            key
            for key, value in pairs
            if isinstance(value, int) and value is not True and value is not False
        ] == []
    for response in (public, mine):
        text = response.content.decode()
        # The balance (77) could only appear as a number, and no number is shown (above).
        assert student.email not in text and "private notes" not in text
    assert_no_answer_material(public, mine)


def test_public_portfolios_are_rate_limited_per_client(client, student, settings):
    settings.PORTFOLIO_RATE_PER_SOURCE = "5/m"
    statuses = [client.get("/api/portfolio/nobody_here").status_code for _ in range(5)]
    assert set(statuses) == {404}
    limited = client.get("/api/portfolio/asha")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1


def test_addresses_of_one_ipv6_64_share_one_portfolio_budget(client, student, settings):
    settings.PORTFOLIO_RATE_PER_SOURCE = "5/m"
    statuses = [
        client.get("/api/portfolio/asha", REMOTE_ADDR=f"2001:db8:0:1::{n:x}").status_code
        for n in range(1, 7)
    ]
    assert statuses == [200] * 5 + [429]
    # Another subscriber's /64 has its own budget.
    assert client.get("/api/portfolio/asha", REMOTE_ADDR="2001:db8:0:2::1").status_code == 200


def test_portfolio_queries_are_bounded(client, student, course, django_assert_max_num_queries):
    for n in range(5):
        project = ProjectFactory(course=course, title=f"Extra {n}")
        ProjectSubmission.objects.create(
            user=student,
            course_id=course.pk,
            project_id=project.pk,
            repo_url=f"https://github.com/asha/extra{n}",
            show_in_portfolio=True,
        )
    client.get("/api/portfolio/asha")  # Guru's catalogue and project copies are now cached
    # 1 the visible student by username, 2 certificates, 3 shown project submissions.
    with django_assert_max_num_queries(3):
        response = client.get("/api/portfolio/asha")
    assert len(response.json()["projects"]) == 6
    own = logged_in(student)
    own.get("/api/portfolio/me")  # the new session's first request records its start
    # 1 session, 2 user, 3 certificates, 4 shown projects, then the private stats:
    # 5 enrollments, 6 lessons, 7 labs, 8 distinct passed tests, 9 submissions.
    with django_assert_max_num_queries(9):
        assert own.get("/api/portfolio/me").status_code == 200
