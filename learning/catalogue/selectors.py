"""The catalogue as one visitor sees it: Guru's published courses (read through the Guru
client) with the student's own enrollment and lesson progress, when a student is signed in."""

from collections import Counter
from typing import Any

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from learning.enrollment.selectors import enrolled_course_ids
from learning.models import LessonCompletion
from shishya import guru_reads
from shishya.guru_models import to_json


def completed_lessons_by_course(*, user: User, course_ids: set[int]) -> Counter[int]:
    """Lessons the student completed per course, in one query."""
    return Counter(
        LessonCompletion.objects.filter(user=user, course_id__in=course_ids).values_list(
            "course_id", flat=True
        )
    )


def _progress(completed: int, total: int) -> dict[str, int]:
    percent = completed * 100 // total if total else 0
    return {"completed_lessons": completed, "total_lessons": total, "percent": percent}


def catalogue_entries(*, user: User | AnonymousUser) -> list[dict[str, Any]]:
    """Every published course, each with enrolled and progress (None unless enrolled)."""
    courses = guru_reads.courses()
    enrolled = enrolled_course_ids(user=user)
    # Only a signed-in student has enrollments.
    done = (
        completed_lessons_by_course(user=user, course_ids=enrolled)
        if enrolled and isinstance(user, User)
        else {}
    )
    return [
        {
            **to_json(course),
            "enrolled": course.id in enrolled,
            "progress": (
                _progress(done.get(course.id, 0), course.lesson_count)
                if course.id in enrolled
                else None
            ),
        }
        for course in courses
    ]


def catalogue_course(*, user: User | AnonymousUser, course_id: int) -> dict[str, Any]:
    """One published course with its outline, enrolled and progress (None unless enrolled)."""
    course = guru_reads.course(course_id)
    total = len(course.lesson_ids())
    enrolled = course_id in enrolled_course_ids(user=user)
    done = (
        completed_lessons_by_course(user=user, course_ids={course_id})
        if enrolled and isinstance(user, User)
        else {}
    )
    return {
        **to_json(course),
        "enrolled": enrolled,
        "progress": _progress(done.get(course_id, 0), total) if enrolled else None,
    }
