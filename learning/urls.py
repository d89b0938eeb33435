from django.urls import path

from learning import catalogue
from learning.assessments import api as tests
from learning.labs import api as labs

urlpatterns = [
    path("courses", catalogue.CourseListView.as_view(), name="courses"),
    path("courses/<int:course_id>", catalogue.CourseDetailView.as_view(), name="course"),
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
