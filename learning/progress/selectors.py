"""A student's progress in one course: lessons, labs, tests and projects done against Guru's
totals, and how far they are from the certificate."""

from typing import Any

from accounts.models import User
from learning.access import enrollment_require
from learning.certificates.eligibility import Eligibility, certificate_eligibility
from learning.models import Certificate
from learning.selectors import course_content_get, course_records


def _tally(done: set[int], listed: list[int]) -> dict[str, int]:
    # Only what Guru still publishes counts, so a removed lesson never inflates progress.
    return {"completed": len(done.intersection(listed)), "total": len(listed)}


def course_progress(*, user: User, course_id: int) -> dict[str, Any]:
    enrollment_require(user=user, course_id=course_id)
    content = course_content_get(course_id=course_id)
    records = course_records(user=user, course_id=course_id)
    eligibility: Eligibility = certificate_eligibility(
        rules=content.rules,
        tests=content.tests,
        labs=content.labs,
        projects=content.projects,
        records=records,
    )
    # A test counts as done once passed with its own pass mark (the certificate may ask more).
    passed_tests = {
        test.id
        for test in content.tests
        if records.best_test_percents.get(test.id, -1) >= test.pass_percentage
    }
    parts = {
        "lessons": _tally(records.lesson_ids, content.lesson_ids),
        "labs": _tally(records.lab_ids, [lab.id for lab in content.labs]),
        "tests": _tally(passed_tests, [test.id for test in content.tests]),
        "projects": _tally(records.project_ids, [project.id for project in content.projects]),
    }
    done = sum(part["completed"] for part in parts.values())
    total = sum(part["total"] for part in parts.values())
    certificate_id = (
        Certificate.objects.filter(user=user, course_id=course_id)
        .values_list("id", flat=True)
        .first()
    )
    return {
        "course_id": course_id,
        **parts,
        "percent": done * 100 // total if total else 0,
        "certificate": {
            "offered": eligibility.offered,
            "eligible": eligibility.eligible,
            "issued": certificate_id is not None,
            "certificate_id": certificate_id,
            "missing": eligibility.missing,
        },
    }
