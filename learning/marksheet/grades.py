"""The marksheet's grading rules, pure: a course's score, grade and grade points, and the
credit-weighted CGPA, percentage and classification over the courses counted."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENTI = Decimal("0.01")
# Lowest score of each grade and its grade points; below the last, F with 0 points.
GRADE_SCALE: list[tuple[int, str, int]] = [
    (90, "O", 10),
    (80, "A+", 9),
    (70, "A", 8),
    (60, "B+", 7),
    (50, "B", 6),
    (40, "C", 5),
]
# On the credit-weighted percentage; below the last, "fail".
CLASSIFICATIONS: list[tuple[int, str]] = [
    (75, "distinction"),
    (60, "first_class"),
    (50, "second_class"),
    (40, "pass"),
]
GRADES = [grade for _, grade, _ in GRADE_SCALE] + ["F"]
CLASSIFICATION_CHOICES = [name for _, name in CLASSIFICATIONS] + ["fail"]
CLASSIFICATION_LABELS = {
    "distinction": "Distinction",
    "first_class": "First Class",
    "second_class": "Second Class",
    "pass": "Pass",
    "fail": "Fail",
}


def grade_for(score: Decimal) -> tuple[str, int]:
    for lowest, grade, points in GRADE_SCALE:
        if score >= lowest:
            return grade, points
    return "F", 0


def classification_for(percentage: Decimal) -> str:
    for lowest, classification in CLASSIFICATIONS:
        if percentage >= lowest:
            return classification
    return "fail"


def _centi(value: Decimal) -> Decimal:
    return value.quantize(CENTI, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CourseResult:
    course_id: int
    course_title: str
    academic_credits: int
    completed_via: str  # "tests" or "certificate"
    tests_counted: int
    score: Decimal
    grade: str
    grade_points: int


def course_result(
    *,
    course_id: int,
    course_title: str,
    academic_credits: int,
    completed_via: str,
    best_percents: list[int],
) -> CourseResult:
    """The course's score is the mean of the best percentage of each test submitted."""
    score = _centi(Decimal(sum(best_percents)) / len(best_percents))
    grade, points = grade_for(score)
    return CourseResult(
        course_id=course_id,
        course_title=course_title,
        academic_credits=academic_credits,
        completed_via=completed_via,
        tests_counted=len(best_percents),
        score=score,
        grade=grade,
        grade_points=points,
    )


@dataclass(frozen=True)
class MarksheetTotals:
    """None throughout while no counted course carries academic credits."""

    total_credits: int
    cgpa: Decimal | None
    percentage: Decimal | None
    classification: str | None


def marksheet_totals(results: list[CourseResult]) -> MarksheetTotals:
    total_credits = sum(result.academic_credits for result in results)
    if not total_credits:
        return MarksheetTotals(total_credits, cgpa=None, percentage=None, classification=None)
    cgpa = _centi(
        Decimal(sum(r.grade_points * r.academic_credits for r in results)) / total_credits
    )
    weighted = sum((r.score * r.academic_credits for r in results), Decimal(0))
    percentage = _centi(weighted / total_credits)
    return MarksheetTotals(
        total_credits,
        cgpa=cgpa,
        percentage=percentage,
        classification=classification_for(percentage),
    )
