"""Reading and completing lessons: Guru's lesson content for enrolled students, with previous
and next across the whole course and the student's completion state."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import student_of
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


def lesson_complete(*, user: User, course_id: int, lesson_id: int) -> LessonCompletion:
    """Marks the lesson completed once; a repeat (or a concurrent twin) returns the first."""
    try:
        with transaction.atomic():
            return LessonCompletion.objects.create(
                user=user, course_id=course_id, lesson_id=lesson_id
            )
    except IntegrityError:
        return LessonCompletion.objects.get(user=user, lesson_id=lesson_id)


class LessonLink(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ModuleRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    order = serializers.IntegerField()


class StudentLesson(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    order = serializers.IntegerField()
    content = serializers.CharField()
    course = LessonLink()
    module = ModuleRef()
    previous = LessonLink(allow_null=True)
    next = LessonLink(allow_null=True)
    completed = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)


class LessonCompletionOutput(serializers.Serializer):
    lesson_id = serializers.IntegerField()
    course_id = serializers.IntegerField()
    completed = serializers.BooleanField()
    completed_at = serializers.DateTimeField()


class LessonView(APIView):
    @extend_schema(operation_id="learning_lesson", responses=StudentLesson)
    def get(self, request: Request, lesson_id: int) -> Response:
        student = student_of(request)
        found = lesson_locate(user=student, lesson_id=lesson_id)
        completed_at = lesson_completed_at(user=student, lesson_id=lesson_id)
        # The tutor's context stays server-side: only what the student reads is sent.
        lesson = {
            "id": found.lesson.id,
            "title": found.lesson.title,
            "order": found.lesson.order,
            "content": found.lesson.content,
            "course": found.course,
            "module": found.module,
            "previous": found.previous,
            "next": found.next,
            "completed": completed_at is not None,
            "completed_at": completed_at,
        }
        return Response(StudentLesson(lesson).data)


class LessonCompleteView(APIView):
    @extend_schema(
        operation_id="learning_lesson_complete",
        request=None,
        responses=LessonCompletionOutput,
        description="Marks the lesson completed; repeating it changes nothing.",
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        student = student_of(request)
        found = lesson_locate(user=student, lesson_id=lesson_id)
        completion = lesson_complete(user=student, course_id=found.course.id, lesson_id=lesson_id)
        data = {
            "lesson_id": completion.lesson_id,
            "course_id": completion.course_id,
            "completed": True,
            "completed_at": completion.completed_at,
        }
        return Response(LessonCompletionOutput(data).data)
