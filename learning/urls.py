from django.urls import path

from learning.assessments import api as tests
from learning.catalogue import api as catalogue
from learning.certificates import api as certificates
from learning.enrollment import api as enrollment
from learning.labs import api as labs
from learning.lessons import api as lessons
from learning.marksheet import api as marksheet
from learning.portfolio import api as portfolio
from learning.progress import api as progress
from learning.projects import api as projects
from learning.verify import api as verify

urlpatterns = [
    path("courses", catalogue.CourseListView.as_view(), name="courses"),
    path("courses/<int:course_id>", catalogue.CourseDetailView.as_view(), name="course"),
    path("courses/<int:course_id>/enroll", enrollment.EnrollView.as_view(), name="course-enroll"),
    path("learning/lesson/<int:lesson_id>", lessons.LessonView.as_view(), name="lesson"),
    path(
        "learning/lesson/<int:lesson_id>/complete",
        lessons.LessonCompleteView.as_view(),
        name="lesson-complete",
    ),
    path("projects/<int:course_id>", projects.CourseProjectsView.as_view(), name="projects"),
    path(
        "projects/<int:course_id>/<int:project_id>/submit",
        projects.ProjectSubmitView.as_view(),
        name="project-submit",
    ),
    path("portfolio/me", portfolio.MyPortfolioView.as_view(), name="portfolio-me"),
    path("portfolio/<str:username>", portfolio.PublicPortfolioView.as_view(), name="portfolio"),
    path(
        "courses/<int:course_id>/progress",
        progress.CourseProgressView.as_view(),
        name="course-progress",
    ),
    path("certificates", certificates.CertificateListView.as_view(), name="certificates"),
    path(
        "certificates/generate",
        certificates.CertificateGenerateView.as_view(),
        name="certificate-generate",
    ),
    path(
        "certificates/<str:certificate_id>",
        certificates.CertificateDetailView.as_view(),
        name="certificate",
    ),
    path(
        "certificates/<str:certificate_id>/pdf",
        certificates.CertificatePdfView.as_view(),
        name="certificate-pdf",
    ),
    path("marksheet", marksheet.MarksheetView.as_view(), name="marksheet"),
    path(
        "verify/certificate/<str:certificate_id>",
        verify.CertificateVerifyView.as_view(),
        name="verify-certificate",
    ),
    path(
        "verify/marksheet/<str:verification_id>",
        verify.MarksheetVerifyView.as_view(),
        name="verify-marksheet",
    ),
    path("labs/<int:course_id>", labs.LabListView.as_view(), name="labs"),
    path("labs/<int:course_id>/<int:lab_id>", labs.LabDetailView.as_view(), name="lab"),
    path(
        "labs/<int:course_id>/<int:lab_id>/submit", labs.LabSubmitView.as_view(), name="lab-submit"
    ),
    path("tests/<int:course_id>", tests.TestListView.as_view(), name="tests"),
    path("tests/<int:course_id>/<int:test_id>", tests.TestDetailView.as_view(), name="test"),
    path(
        "tests/<int:course_id>/<int:test_id>/start",
        tests.TestStartView.as_view(),
        name="test-start",
    ),
    path(
        "tests/<int:course_id>/<int:test_id>/submit",
        tests.TestSubmitView.as_view(),
        name="test-submit",
    ),
]
