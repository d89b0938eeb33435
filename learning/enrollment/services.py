"""Enrolling in Guru's published courses: free at once, waived by a plan feature, or charged
the course's credit cost exactly once."""

from django.db import IntegrityError, transaction

from accounts.models import User
from learning.models import Enrollment
from payments.selectors import student_features
from shishya import guru_reads
from shishya.services import notification_send
from wallet.models import LedgerEntry
from wallet.services import wallet_apply, wallet_open

# The plan feature (Guru's plans list features by name) that enrolls without a charge.
FREE_ENROLLMENT_FEATURE = "free_enrollment"
WAIVED_FREE_COURSE = "free"


def enrollment_create(*, user: User, course_id: int) -> tuple[Enrollment, bool]:
    """Enrolls the student once; returns the enrollment and whether this call created it.

    The charge and the enrollment commit together. The ledger key is derived from the student
    and the course, so a repeat or a concurrent call finds the first charge under the wallet's
    row lock instead of charging again, and the enrollment's unique constraint turns the
    loser of a race into a repeat.
    """
    existing = Enrollment.objects.filter(user=user, course_id=course_id).first()
    if existing is not None:
        return existing, False

    # A price decides a charge: never a stale copy. Unpublished or unknown courses are 404.
    course = guru_reads.course(course_id, require_fresh=True)
    cost = course.credit_cost
    if course.is_free or cost == 0:
        waived_by = WAIVED_FREE_COURSE
    elif student_features(user=user).get(FREE_ENROLLMENT_FEATURE):
        waived_by = FREE_ENROLLMENT_FEATURE
    else:
        waived_by = ""
        # Grants a verified student's pending welcome credits before they are counted on.
        wallet_open(user=user)

    with transaction.atomic():
        entry = None
        if not waived_by:
            entry = wallet_apply(
                user=user,
                amount=-cost,
                kind=LedgerEntry.Kind.DEDUCTION,
                reference=f"enrollment:course:{course_id}",
                idempotency_key=f"enrollment:course:{course_id}",
            )
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(
                    user=user,
                    course_id=course_id,
                    credits_charged=cost if entry is not None else 0,
                    waived_by=waived_by,
                    ledger_entry_id=entry.pk if entry is not None else None,
                )
        except IntegrityError:
            # A concurrent request enrolled first; its charge (if any) is the one that
            # wallet_apply just returned, so nothing was taken twice.
            return Enrollment.objects.get(user=user, course_id=course_id), False
        notification_send(
            user=user,
            kind="enrollment",
            title=f"You are enrolled in {course.title}",
            body=(f"{cost} credits were charged." if entry is not None else "No credits charged."),
            data={"course_id": course_id},
        )
    return enrollment, True
