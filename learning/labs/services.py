"""Lab submissions: checked on the server (the code's text in process, its output on the
code runner), charged Guru's lab_run price once per verdict, recorded once per
Idempotency-Key, and completing the lab once."""

from django.db import IntegrityError, transaction

from accounts.models import User
from config.errors import IdempotencyKeyReused, InsufficientCredits, UnavailableReason
from config.patterns import PatternUnsupported, pattern_search
from config.priced_actions import PricedAction
from learning.errors import LabRunnerUnavailable
from learning.labs import runner
from learning.labs.selectors import lab_to_grade
from learning.models import LabCompletion, LabSubmission
from shishya import guru_reads
from shishya.errors import GuruMisconfigured
from shishya.guru_models import Lab
from wallet.models import LedgerEntry
from wallet.services import wallet_apply, wallet_open

LAB_RUN_ACTION = PricedAction.LAB_RUN.value
# How much of a program's output a submission keeps and shows.
OUTPUT_MAX_CHARS = 4000

PASSED = LabSubmission.Verdict.PASSED
FAILED = LabSubmission.Verdict.FAILED


def lab_run_price() -> int:
    """Guru's current credits per lab submission (never a stale copy); none listed is free.
    The server charges it itself, so Guru's directly_chargeable flag does not apply."""
    return guru_reads.action_price(LAB_RUN_ACTION, when_missing=guru_reads.FREE) or 0


def normalized_output(text: str) -> str:
    """Output as compared: runs of spaces and tabs are one space, line ends are trimmed,
    blank lines at the start and end are dropped (line breaks inside still count)."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(lines).strip("\n")


def _feedback(message: str, output: str = "") -> str:
    if len(output) > OUTPUT_MAX_CHARS:
        output = output[:OUTPUT_MAX_CHARS] + "\n[output truncated]"
    return f"{message}\n\n{output}" if output.strip() else message


def _answer_material(value: str | None) -> str:
    """A lab's expected output or pattern. Guru sends them only to a key with the grading
    scope: without it our key is misconfigured, and no verdict is guessed (nothing charged)."""
    if value is None:
        raise GuruMisconfigured()
    return value


def _static_check(lab: Lab, code: str) -> tuple[str, str]:
    if lab.validation_type == "regex":
        # The pattern is Guru's (admins'); RE2 scans the code (at most LAB_CODE_MAX_BYTES) in
        # linear time whatever the pattern says.
        try:
            passed = pattern_search(_answer_material(lab.expected_pattern), code)
        except PatternUnsupported:
            # Saved before Guru checked patterns with RE2 (its migration lists such labs):
            # never a guessed verdict, nothing charged.
            raise LabRunnerUnavailable(
                reason=UnavailableReason.NOT_SUPPORTED, details={"check": "pattern"}
            ) from None
    else:
        passed = _answer_material(lab.expected_output) in code
    if passed:
        return PASSED, "Your code passes this lab's check."
    return FAILED, "Your code does not pass this lab's check yet."


def _executed_check(lab: Lab, code: str) -> tuple[str, str]:
    run = runner.code_run(language=lab.language, source_code=code)
    if run.status_id == runner.COMPILATION_ERROR:
        return FAILED, _feedback("Compilation error.", run.compile_output)
    if run.status_id == runner.TIME_LIMIT_EXCEEDED:
        return FAILED, _feedback("Time limit exceeded.", run.stdout)
    if run.status_id in runner.RUNTIME_ERRORS:
        return FAILED, _feedback(f"Runtime error ({run.status}).", run.stderr or run.stdout)
    # Accepted (or Wrong Answer, which Judge0 only says when given an expected output, and
    # it never is: the comparison is ours, so the expected output never leaves the server).
    if normalized_output(run.stdout) == normalized_output(_answer_material(lab.expected_output)):
        return PASSED, _feedback("Your program's output is correct.", run.stdout)
    return FAILED, _feedback("Your program's output is not the expected output.", run.stdout)


def _check(lab: Lab, code: str) -> tuple[str, str]:
    if lab.validation_type in ("regex", "contains"):
        return _static_check(lab, code)
    if lab.validation_type == "stdout":
        return _executed_check(lab, code)
    # A validation type Guru added that this code does not know: never a guessed verdict.
    raise LabRunnerUnavailable(
        reason=UnavailableReason.NOT_SUPPORTED,
        details={"validation_type": lab.validation_type},
    )


def lab_submit(
    *, user: User, course_id: int, lab_id: int, code: str, idempotency_key: str
) -> LabSubmission:
    """Checks the code and records the verdict, charging Guru's lab_run price, once per key.

    Raises 403 (not enrolled, lab locked), 404, 402 (not enough credits: nothing is run),
    503/502 when the code runner is missing or fails (nothing is recorded or charged).
    """
    previous = LabSubmission.objects.filter(user=user, idempotency_key=idempotency_key).first()
    if previous is not None:
        if (previous.course_id, previous.lab_id) != (course_id, lab_id):
            raise IdempotencyKeyReused()
        return previous
    lab = lab_to_grade(user=user, course_id=course_id, lab_id=lab_id)
    if lab.validation_type == "stdout":
        # A lab that cannot run here is refused before prices and balances are looked at.
        runner.runner_language_id(lab.language)
    price = lab_run_price()
    balance = wallet_open(user=user).balance
    if balance < price:
        # Checked before running so no runner time goes to a submission that cannot be paid;
        # the charge below is still the authority (the wallet's row lock).
        raise InsufficientCredits(details={"balance": balance, "required": price})
    verdict, feedback = _check(lab, code)
    return _record(
        user=user,
        course_id=course_id,
        lab_id=lab_id,
        code=code,
        idempotency_key=idempotency_key,
        verdict=verdict,
        feedback=feedback,
        price=price,
    )


def _record(
    *,
    user: User,
    course_id: int,
    lab_id: int,
    code: str,
    idempotency_key: str,
    verdict: str,
    feedback: str,
    price: int,
) -> LabSubmission:
    """Charge, submission and completion in one transaction: all of them or none."""
    with transaction.atomic():
        entry = (
            wallet_apply(
                user=user,
                amount=-price,
                kind=LedgerEntry.Kind.DEDUCTION,
                reference=f"{LAB_RUN_ACTION}:{course_id}:{lab_id}",
                idempotency_key=f"{LAB_RUN_ACTION}:{idempotency_key}",
            )
            if price
            else None
        )
        try:
            with transaction.atomic():
                submission = LabSubmission.objects.create(
                    user=user,
                    course_id=course_id,
                    lab_id=lab_id,
                    idempotency_key=idempotency_key,
                    code=code,
                    verdict=verdict,
                    feedback=feedback,
                    credits_charged=price,
                    ledger_entry_id=entry.pk if entry else None,
                )
        except IntegrityError:
            # A concurrent request with the same key recorded it first; the ledger's own key
            # made this request's charge the same single entry.
            return LabSubmission.objects.get(user=user, idempotency_key=idempotency_key)
        if verdict == PASSED:
            LabCompletion.objects.get_or_create(
                user=user,
                lab_id=lab_id,
                defaults={"course_id": course_id, "submission": submission},
            )
        return submission
