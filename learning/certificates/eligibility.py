"""Guru's certificate rules evaluated against the student's own records: what is met, what
is still missing, and the scores a certificate keeps from the moment it is issued."""

from dataclasses import dataclass, field
from typing import Any, Literal

from learning.selectors import CourseRecords
from shishya.guru_models import CertificateRule, Lab, Project, Test

ShortfallKind = Literal["test", "lab", "lab_weight", "project"]


@dataclass(frozen=True)
class Shortfall:
    """One requirement not met yet. `required`/`achieved` are percentages for a test and
    certificate weights for lab_weight; `achieved` is None for a test never submitted."""

    kind: ShortfallKind
    id: int | None = None
    title: str = ""
    required: int | None = None
    achieved: int | None = None


@dataclass(frozen=True)
class Eligibility:
    offered: bool
    missing: list[Shortfall] = field(default_factory=list)
    scores: dict[str, Any] = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        return self.offered and not self.missing


def certificate_eligibility(
    *,
    rules: CertificateRule | None,
    tests: list[Test],
    labs: list[Lab],
    projects: list[Project],
    records: CourseRecords,
) -> Eligibility:
    """`rules` is Guru's certificate rule for the course (None: the course offers none);
    tests, labs and projects are Guru's published ones."""
    if rules is None:
        return Eligibility(offered=False)
    tests_by_id = {test.id: test for test in tests}
    labs_by_id = {lab.id: lab for lab in labs}
    projects_by_id = {project.id: project for project in projects}
    missing: list[Shortfall] = []

    for test_id in rules.required_test_ids:
        test = tests_by_id.get(test_id)
        # The rule's mark when it sets one, else the test's own pass mark.
        pass_mark = rules.test_pass_percentage
        if pass_mark is None and test is not None:
            pass_mark = test.pass_percentage
        best = records.best_test_percents.get(test_id)
        if best is None or pass_mark is None or best < pass_mark:
            title = test.title if test else ""
            missing.append(Shortfall("test", test_id, title, pass_mark, best))

    for lab_id in rules.required_lab_ids:
        if lab_id not in records.lab_ids:
            lab = labs_by_id.get(lab_id)
            missing.append(Shortfall("lab", lab_id, lab.title if lab else ""))

    lab_weight = sum(lab.certificate_weight for lab in labs if lab.id in records.lab_ids)
    if lab_weight < rules.min_lab_weight:
        missing.append(Shortfall("lab_weight", required=rules.min_lab_weight, achieved=lab_weight))

    for project_id in rules.required_project_ids:
        if project_id not in records.project_ids:
            project = projects_by_id.get(project_id)
            missing.append(Shortfall("project", project_id, project.title if project else ""))

    scores = {
        "tests": [
            {
                "test_id": test_id,
                "title": tests_by_id[test_id].title if test_id in tests_by_id else "",
                "best_percent": best,
            }
            for test_id, best in sorted(records.best_test_percents.items())
        ],
        "lab_weight": lab_weight,
        "completed_lab_ids": sorted(records.lab_ids),
        "submitted_project_ids": sorted(records.project_ids),
    }
    return Eligibility(offered=True, missing=missing, scores=scores)
