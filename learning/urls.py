from django.urls import path

from learning import catalogue

urlpatterns = [
    path("courses", catalogue.CourseListView.as_view(), name="courses"),
    path("courses/<int:course_id>", catalogue.CourseDetailView.as_view(), name="course"),
]
