"""Reads of enrollments: whether a student is enrolled in a course, and in which."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from learning.models import Enrollment


def enrolled_course_ids(*, user: User | AnonymousUser) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Enrollment.objects.filter(user=user).values_list("course_id", flat=True))


def is_enrolled(*, user: User, course_id: int) -> bool:
    return Enrollment.objects.filter(user=user, course_id=course_id).exists()
