"""Guru's domain errors, each with its stable code."""

from config.errors import Conflict


class ContentInUse(Conflict):
    code = "content_in_use"
    message = "Other content still refers to this; change or remove those references first."


class CourseArchived(Conflict):
    code = "course_archived"
    message = "This course is archived; it can no longer be published or edited."


class CourseHasNoLessons(Conflict):
    code = "course_has_no_lessons"
    message = "A course needs at least one lesson before it can be published."
