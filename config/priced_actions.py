"""The one action catalogue: the student actions a price can be set for, which are exactly
those the student side charges. Guru refuses a price for any other action (its ActionPrice
choices are these), the public API's schema names them as an enum, and the student side's
charges name these members, so the two sides cannot drift apart.

test_attempt and project_submission are not offered: tests and projects are part of a course
the student paid to enroll in, test attempts are already limited by Guru's max_attempts, and
charging per attempt or submission would need refunds for runner or grader failures that the
product does not have. A price for them charged nothing before; Guru no longer accepts one.
"""

from django.db import models


class PricedAction(models.TextChoices):
    TUTOR_QUESTION = "tutor_question", "A question to the AI tutor"
    LAB_RUN = "lab_run", "Running lab code"
    CERTIFICATE_ISSUE = "certificate_issue", "Issuing a certificate"


# Where each action is charged (the admin API documents it beside the price). An action Guru
# marks directly chargeable can also be charged by POST /api/wallet/deduct.
CHARGED_AT: dict[str, str] = {
    PricedAction.TUTOR_QUESTION: "POST /api/mithra/ask, once per answered question (free with "
    "the plan feature tutor_unlimited)",
    PricedAction.LAB_RUN: "POST /api/labs/{course_id}/{lab_id}/submit, once per submission "
    "that gets a verdict",
    PricedAction.CERTIFICATE_ISSUE: "POST /api/certificates/generate, once per certificate "
    "(no price means no certificate, never a free one)",
}
