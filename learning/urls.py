from django.urls import path

from learning import catalogue, enrollment, lessons, portfolio, projects

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
]
