"""Enrolling in Guru's published courses: free at once, waived by a plan feature, or charged
the course's credit cost exactly once; and the enrollment check every course area uses."""

from typing import Any

from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import student_of
from config.openapi import ErrorSerializer
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


class EnrollmentOutput(serializers.Serializer):
    """What this request did: a repeat charges and waives nothing, and says so."""

    course_id = serializers.IntegerField()
    already_enrolled = serializers.BooleanField(
        help_text="True when the student was enrolled before this request (nothing happened now)."
    )
    credits_charged = serializers.IntegerField(help_text="Credits this request charged.")
    waived_by = serializers.CharField(
        help_text='Why this request charged nothing for a new enrollment: "free" (a free '
        'course) or a plan feature; "" when it charged, or when the student was already enrolled.'
    )
    enrolled_at = serializers.DateTimeField(help_text="When the student enrolled (the first time).")


class EnrollView(APIView):
    @extend_schema(
        operation_id="course_enroll",
        request=None,
        responses={
            200: EnrollmentOutput,
            201: EnrollmentOutput,
            402: ErrorSerializer,
            409: ErrorSerializer,
        },
        description="Enrolls the student. 201 when enrolled now; 200 with `already_enrolled: "
        "true` and `credits_charged: 0` when already enrolled (never charged again). A paid "
        "course charges its credit cost from Guru once.",
    )
    def post(self, request: Request, course_id: int) -> Response:
        enrollment, created = enrollment_create(user=student_of(request), course_id=course_id)
        data: dict[str, Any] = EnrollmentOutput(
            {
                "course_id": enrollment.course_id,
                "already_enrolled": not created,
                "credits_charged": enrollment.credits_charged if created else 0,
                "waived_by": enrollment.waived_by if created else "",
                "enrolled_at": enrollment.created_at,
            }
        ).data
        return Response(data, status=201 if created else 200)
