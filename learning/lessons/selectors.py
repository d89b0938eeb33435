"""Reads of lessons: where a lesson sits in Guru's published courses (with the previous and
next across the whole course) for an enrolled student, and when the student completed it."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

from accounts.models import User
from learning.access import lesson_open
from learning.errors import LessonNotFound
from learning.models import LessonCompletion
from shishya import guru_reads
from shishya.errors import GuruNotFound
from shishya.guru_models import Course, Lesson, Module

INDEX_KEY = "learning:lesson-index:v1:"


def _lesson_index() -> dict[int, int]:
    """Lesson id -> course id over Guru's published courses.

    Stored under the catalogue's ETag (a hash of its body, which counts every course's
    lessons): adding, moving or withdrawing lessons or courses changes the catalogue, and the
    next lookup builds a new index from the course details the Guru client caches anyway.
    Between changes a lookup is one cache read, and an unknown id never triggers a scan.
    """
    etag = guru_reads.catalogue_etag()
    if etag is None:
        guru_reads.courses()
        etag = guru_reads.catalogue_etag()
    key = INDEX_KEY + (etag or "unversioned")
    index: dict[int, int] | None = cache.get(key)
    if index is not None:
        return index
    index = {}
    for summary in guru_reads.courses():
        try:
            course = guru_reads.course(summary.id)
        except GuruNotFound:  # withdrawn since the catalogue was read
            continue
        for module in course.modules:
            for lesson in module.lessons:
                index[lesson.id] = course.id
    cache.set(key, index, timeout=settings.GURU_CACHE_TTLS["catalog"])
    return index


@dataclass(frozen=True)
class LessonInCourse:
    course: Course
    module: Module
    lesson: Lesson
    previous: Lesson | None
    next: Lesson | None


def lesson_locate(*, user: User, lesson_id: int) -> LessonInCourse:
    """The lesson in its course, for an enrolled student: 404 for a lesson Guru does not
    publish, 403 not_enrolled for one in a course the student is not enrolled in."""
    course_id = _lesson_index().get(lesson_id)
    if course_id is None:
        raise LessonNotFound()
    course = lesson_open(user=user, course_id=course_id, lesson_id=lesson_id).course
    # The course's reading order: modules by their order, lessons by theirs within each.
    ordered = [
        (module, lesson)
        for module in sorted(course.modules, key=lambda m: (m.order, m.id))
        for lesson in sorted(module.lessons, key=lambda lesson: (lesson.order, lesson.id))
    ]
    # lesson_open found it in this very course, so it has a position.
    position = next(i for i, (_, lesson) in enumerate(ordered) if lesson.id == lesson_id)
    module, lesson = ordered[position]
    return LessonInCourse(
        course=course,
        module=module,
        lesson=lesson,
        previous=ordered[position - 1][1] if position > 0 else None,
        next=ordered[position + 1][1] if position + 1 < len(ordered) else None,
    )


def lesson_completed_at(*, user: User, lesson_id: int) -> datetime | None:
    return (
        LessonCompletion.objects.filter(user=user, lesson_id=lesson_id)
        .values_list("completed_at", flat=True)
        .first()
    )
