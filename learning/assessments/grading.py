"""Grades an attempt's answers against Guru's answer key. Pure functions: no I/O."""

from dataclasses import dataclass
from typing import Any

from shishya.guru_models import Test, to_json

# What a student sees of a question while sitting the test (no answer, no explanation).
SERVED_FIELDS = ("id", "order", "type", "prompt", "options", "points")


def served_questions(test: Test) -> list[dict[str, Any]]:
    return [
        {name: to_json(getattr(question, name)) for name in SERVED_FIELDS}
        for question in test.questions
    ]


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def answer_error(question: dict[str, Any], answer: Any) -> str | None:
    """Why an answer cannot be an answer to this question (its shape), or None."""
    kind, options = question["type"], question["options"]
    if kind == "single_choice":
        if not (_is_index(answer) and 0 <= answer < len(options)):
            return "Give the index of one option."
    elif kind == "multiple_choice":
        if not (
            isinstance(answer, list)
            and all(_is_index(i) and 0 <= i < len(options) for i in answer)
            and len(set(answer)) == len(answer)
        ):
            return "Give a list of distinct option indexes."
    elif kind == "true_false":
        if not isinstance(answer, bool):
            return "Give true or false."
    elif not (isinstance(answer, str) and len(answer) <= 1000):
        return "Give a text answer of at most 1000 characters."
    return None


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def is_correct(kind: str, answer: Any, correct: Any) -> bool:
    if answer is None:
        return False
    if kind == "multiple_choice":
        return set(answer) == set(correct)
    if kind == "short_answer":
        return _same_text(answer, correct)
    # single_choice (an index) and true_false (a bool); answer_error has checked the type,
    # so True never equals the index 1 here.
    return type(answer) is type(correct) and answer == correct


@dataclass(frozen=True)
class Grade:
    results: list[dict[str, Any]]
    score_points: int
    max_points: int
    percent: int
    passed: bool


def grade(*, served: list[dict[str, Any]], answers: dict[str, Any], key: Test) -> Grade:
    """Scores the questions as served with Guru's current answer key (key: Guru's test).

    Points are the served ones (what the student was shown). A served question no longer in
    Guru's test, or whose type Guru has since changed, cannot be graded and counts neither
    way. The percentage is rounded down, so
    rounding never passes a student.
    """
    answer_key = {question.id: question for question in key.questions}
    results, score, total = [], 0, 0
    for question in served:
        keyed = answer_key.get(question["id"])
        if keyed is None or keyed.type != question["type"]:
            continue
        answer = answers.get(str(question["id"]))
        correct = is_correct(question["type"], answer, keyed.correct_answer)
        awarded = question["points"] if correct else 0
        score, total = score + awarded, total + question["points"]
        results.append(
            {
                "question_id": question["id"],
                "correct": correct,
                "points_awarded": awarded,
                "points": question["points"],
                "explanation": keyed.explanation if keyed.explanation is not None else "",
            }
        )
    percent = score * 100 // total if total else 0
    return Grade(
        results=results,
        score_points=score,
        max_points=total,
        percent=percent,
        passed=percent >= key.pass_percentage,
    )
