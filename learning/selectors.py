"""Reads of a student's own learning records."""

from collections import Counter

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from learning.models import Enrollment, LessonCompletion


def enrolled_course_ids(*, user: User | AnonymousUser) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Enrollment.objects.filter(user=user).values_list("course_id", flat=True))


def completed_lessons_by_course(*, user: User, course_ids: set[int]) -> Counter[int]:
    """Lessons the student completed per course, in one query."""
    return Counter(
        LessonCompletion.objects.filter(user=user, course_id__in=course_ids).values_list(
            "course_id", flat=True
        )
    )
