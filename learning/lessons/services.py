"""Completing a lesson, once."""

from django.db import IntegrityError, transaction

from accounts.models import User
from learning.models import LessonCompletion


def lesson_complete(*, user: User, course_id: int, lesson_id: int) -> LessonCompletion:
    """Marks the lesson completed once; a repeat (or a concurrent twin) returns the first."""
    try:
        with transaction.atomic():
            return LessonCompletion.objects.create(
                user=user, course_id=course_id, lesson_id=lesson_id
            )
    except IntegrityError:
        return LessonCompletion.objects.get(user=user, lesson_id=lesson_id)
