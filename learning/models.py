"""What students do with Guru's courses: enrollments and lesson progress (SHISHYA's records;
the courses themselves are Guru's and are referred to by id)."""

from django.conf import settings
from django.db import models


class Enrollment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course_id"], name="enrollment_once_per_course")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} in course {self.course_id}"


class LessonCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    course_id = models.PositiveBigIntegerField()
    lesson_id = models.PositiveBigIntegerField()
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson_id"], name="lesson_completed_once")
        ]
        indexes = [models.Index(fields=["user", "course_id"])]

    def __str__(self) -> str:
        return f"user {self.user_id} completed lesson {self.lesson_id}"
