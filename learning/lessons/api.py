"""Lesson endpoints: /api/learning/lesson/:lessonId and its complete."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import student_of
from learning.lessons.selectors import lesson_completed_at, lesson_locate
from learning.lessons.services import lesson_complete


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
