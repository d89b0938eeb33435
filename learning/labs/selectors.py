"""Guru's labs as a student may see them: whitelisted fields (never the solution or the
expected output or pattern) and each lab's lock state, decided on the server from Guru's
unlock rules and the student's own progress."""

from dataclasses import dataclass
from typing import Any

from accounts.models import User
from config.errors import Forbidden, NotFound
from learning.access import enrollment_require
from learning.selectors import completed_lab_ids, completed_lesson_ids, passed_test_ids
from shishya.guru_client import guru_client

# What a student sees of a Guru lab; everything else (solution_code, expected_output,
# expected_pattern, the tutor's ai_context) stays on the server.
SUMMARY_FIELDS = (
    "id",
    "module_id",
    "title",
    "order",
    "language",
    "validation_type",
    "certificate_weight",
)
DETAIL_FIELDS = (*SUMMARY_FIELDS, "instructions", "starter_code", "hints")
ALWAYS = "always"


class LabNotFound(NotFound):
    code = "lab_not_found"
    message = "This course has no such lab."


class LabLocked(Forbidden):
    code = "lab_locked"
    message = "This lab is locked until its unlock rule is met."

    def __init__(self, *, rule: str, reference_id: int | None) -> None:
        super().__init__(details={"rule": rule, "reference_id": reference_id})


@dataclass(frozen=True)
class _Progress:
    """What the student has done in the course, by the kind of item an unlock rule names."""

    done: dict[str, set[int]]

    def meets(self, rule: str, reference_id: int | None) -> bool:
        if rule == ALWAYS:
            return True
        # A rule kind this code does not know keeps the lab locked rather than open.
        return reference_id in self.done.get(rule, set())


def _progress(*, user: User, course_id: int, labs: list[dict[str, Any]]) -> _Progress:
    lessons = completed_lesson_ids(user=user, course_id=course_id)
    done = {
        "lesson_complete": lessons,
        "lab_complete": completed_lab_ids(user=user, course_id=course_id),
        "test_pass": passed_test_ids(user=user, course_id=course_id),
    }
    if any(lab["unlock_rule"] == "module_complete" for lab in labs):
        # Only then is the course outline needed: a module is complete when all its
        # lessons are.
        modules = guru_client().course(course_id)["modules"]
        done["module_complete"] = {
            module["id"]
            for module in modules
            if all(lesson["id"] in lessons for lesson in module["lessons"])
        }
    return _Progress(done=done)


def _student_view(
    lab: dict[str, Any], progress: _Progress, fields: tuple[str, ...]
) -> dict[str, Any]:
    rule, reference_id = lab["unlock_rule"], lab["unlock_reference_id"]
    return {
        **{name: lab[name] for name in fields},
        "locked": not progress.meets(rule, reference_id),
        "unlock": {"rule": rule, "reference_id": reference_id},
        "completed": lab["id"] in progress.done["lab_complete"],
    }


def student_labs(*, user: User, course_id: int) -> list[dict[str, Any]]:
    """The course's labs in Guru's order, each with locked/unlock/completed."""
    enrollment_require(user=user, course_id=course_id)
    labs = guru_client().course_labs(course_id)
    progress = _progress(user=user, course_id=course_id, labs=labs)
    return [_student_view(lab, progress, SUMMARY_FIELDS) for lab in labs]


def _unlocked_lab(
    *, user: User, course_id: int, lab_id: int, require_fresh: bool = False
) -> tuple[dict[str, Any], _Progress]:
    enrollment_require(user=user, course_id=course_id)
    labs = guru_client().course_labs(course_id, require_fresh=require_fresh)
    lab = next((lab for lab in labs if lab["id"] == lab_id), None)
    if lab is None:
        raise LabNotFound()
    progress = _progress(user=user, course_id=course_id, labs=[lab])
    if not progress.meets(lab["unlock_rule"], lab["unlock_reference_id"]):
        raise LabLocked(rule=lab["unlock_rule"], reference_id=lab["unlock_reference_id"])
    return lab, progress


def student_lab(*, user: User, course_id: int, lab_id: int) -> dict[str, Any]:
    """One unlocked lab with its instructions, starter code and hints."""
    lab, progress = _unlocked_lab(user=user, course_id=course_id, lab_id=lab_id)
    return _student_view(lab, progress, DETAIL_FIELDS)


def lab_to_grade(*, user: User, course_id: int, lab_id: int) -> dict[str, Any]:
    """Guru's lab with its answer material (a fresh grading-scope read), for the server's
    own checks only, once the student may submit to it."""
    lab, _ = _unlocked_lab(user=user, course_id=course_id, lab_id=lab_id, require_fresh=True)
    return lab
