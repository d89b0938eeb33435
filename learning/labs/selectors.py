"""Guru's labs as a student may see them: whitelisted fields (never the solution or the
expected output or pattern) and each lab's lock state, decided on the server from Guru's
unlock rules and the student's own progress."""

from typing import Any

from accounts.models import User
from learning.access import LabProgress, enrollment_require, lab_open, lab_progress
from shishya import guru_reads
from shishya.guru_models import Lab, to_json

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


def _student_view(lab: Lab, progress: LabProgress, fields: tuple[str, ...]) -> dict[str, Any]:
    return {
        **{name: to_json(getattr(lab, name)) for name in fields},
        "locked": not progress.unlocks(lab),
        "unlock": {"rule": lab.unlock_rule, "reference_id": lab.unlock_reference_id},
        "completed": lab.id in progress.done["lab_complete"],
    }


def student_labs(*, user: User, course_id: int) -> list[dict[str, Any]]:
    """The course's labs in Guru's order, each with locked/unlock/completed."""
    enrollment_require(user=user, course_id=course_id)
    labs = guru_reads.course_labs(course_id)
    progress = lab_progress(user=user, course_id=course_id, labs=labs)
    return [_student_view(lab, progress, SUMMARY_FIELDS) for lab in labs]


def student_lab(*, user: User, course_id: int, lab_id: int) -> dict[str, Any]:
    """One unlocked lab with its instructions, starter code and hints."""
    lab, progress = lab_open(user=user, course_id=course_id, lab_id=lab_id)
    return _student_view(lab, progress, DETAIL_FIELDS)


def lab_to_grade(*, user: User, course_id: int, lab_id: int) -> Lab:
    """Guru's lab with its answer material (a fresh grading-scope read), for the server's
    own checks only, once the student may submit to it."""
    lab, _ = lab_open(user=user, course_id=course_id, lab_id=lab_id, require_fresh=True)
    return lab
