"""The one access rule to a course's lessons, labs, tests and projects, for every path that
reaches them: reading, listing, completing, submitting, running, attempting, the progress
page and the tutor (mithra asks here before it tells the model anything).

In this order: the student must be enrolled in the course (403 `not_enrolled`, whether or not
the item exists); the item must be one Guru publishes in that course (404); a lab must be
unlocked by its unlock rule, decided from the student's own records (403 `lab_locked`).
Each `*_open` returns Guru's item, answer material included, for the caller to whitelist.
"""

from dataclasses import dataclass

from accounts.models import User
from learning.enrollment.selectors import is_enrolled
from learning.errors import (
    LabLocked,
    LabNotFound,
    LessonNotFound,
    NotEnrolled,
    ProjectNotFound,
    TestNotFound,
)
from learning.selectors import (
    completed_lab_ids,
    completed_lesson_ids,
    passed_test_ids,
)
from shishya import guru_reads
from shishya.errors import GuruNotFound
from shishya.guru_models import Course, Lab, Lesson, Module, Project, Test

ALWAYS = "always"


def enrollment_require(*, user: User, course_id: int) -> None:
    """The rule for everything in a course, its lists and its progress included."""
    if not is_enrolled(user=user, course_id=course_id):
        raise NotEnrolled()


@dataclass(frozen=True)
class CourseLesson:
    course: Course
    module: Module
    lesson: Lesson


def lesson_open(*, user: User, course_id: int, lesson_id: int) -> CourseLesson:
    """Guru's lesson (with its tutor context) in its course and module."""
    enrollment_require(user=user, course_id=course_id)
    try:
        course = guru_reads.course(course_id)
    except GuruNotFound:
        raise LessonNotFound() from None
    for module in course.modules:
        for lesson in module.lessons:
            if lesson.id == lesson_id:
                return CourseLesson(course=course, module=module, lesson=lesson)
    raise LessonNotFound()


@dataclass(frozen=True)
class LabProgress:
    """What the student has done in the course, by the kind of item an unlock rule names."""

    done: dict[str, set[int]]

    def unlocks(self, lab: Lab) -> bool:
        if lab.unlock_rule == ALWAYS:
            return True
        # A rule kind this code does not know keeps the lab locked rather than open.
        return lab.unlock_reference_id in self.done.get(lab.unlock_rule, set())


def lab_progress(*, user: User, course_id: int, labs: list[Lab]) -> LabProgress:
    lessons = completed_lesson_ids(user=user, course_id=course_id)
    done = {
        "lesson_complete": lessons,
        "lab_complete": completed_lab_ids(user=user, course_id=course_id),
        "test_pass": passed_test_ids(user=user, course_id=course_id),
    }
    if any(lab.unlock_rule == "module_complete" for lab in labs):
        # Only then is the course outline needed: a module is complete when all its
        # lessons are.
        modules = guru_reads.course(course_id).modules
        done["module_complete"] = {
            module.id
            for module in modules
            if all(lesson.id in lessons for lesson in module.lessons)
        }
    return LabProgress(done=done)


def lab_open(
    *, user: User, course_id: int, lab_id: int, require_fresh: bool = False
) -> tuple[Lab, LabProgress]:
    """Guru's lab once it is unlocked for the student, with the progress that unlocked it."""
    enrollment_require(user=user, course_id=course_id)
    labs = guru_reads.course_labs(course_id, require_fresh=require_fresh)
    lab = next((lab for lab in labs if lab.id == lab_id), None)
    if lab is None:
        raise LabNotFound()
    progress = lab_progress(user=user, course_id=course_id, labs=[lab])
    if not progress.unlocks(lab):
        raise LabLocked(rule=lab.unlock_rule, reference_id=lab.unlock_reference_id)
    return lab, progress


def course_test_open(
    *, user: User, course_id: int, test_id: int, require_fresh: bool = False
) -> Test:
    """Guru's test with its answer key: for the server's own use only."""
    enrollment_require(user=user, course_id=course_id)
    tests = guru_reads.course_tests(course_id, require_fresh=require_fresh)
    test = next((test for test in tests if test.id == test_id), None)
    if test is None:
        raise TestNotFound()
    return test


def project_open(*, user: User, course_id: int, project_id: int) -> Project:
    enrollment_require(user=user, course_id=course_id)
    projects = guru_reads.course_projects(course_id)
    project = next((project for project in projects if project.id == project_id), None)
    if project is None:
        raise ProjectNotFound()
    return project
