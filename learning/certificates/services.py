"""Issuing a certificate (Guru's rules met, Guru's price charged once) and revoking one."""

import logging
from typing import Any

from auditlog.context import set_actor
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from config.errors import (
    InvalidInput,
    NotFound,
)
from config.priced_actions import PricedAction
from learning.access import enrollment_require
from learning.certificates.document import certificate_printable_check
from learning.certificates.eligibility import certificate_eligibility
from learning.errors import (
    CertificateAlreadyRevoked,
    CertificateNotOffered,
    CertificatePriceUnavailable,
    CertificateRequirementsUnmet,
    NotEnrolled,
    RevokerNotStaff,
    StudentNameRequired,
)
from learning.models import REVOKED_REASON_MAX_LENGTH, Certificate, Enrollment
from learning.selectors import course_content_get, course_records
from learning.verification_ids import (
    CERTIFICATE_PREFIX,
    verification_id_new,
    verification_id_normalize,
)
from shishya import guru_reads
from shishya.guru_models import to_json
from shishya.services import notification_send
from wallet.models import LedgerEntry
from wallet.services import wallet_apply, wallet_welcome_settle

logger = logging.getLogger(__name__)

PRICE_ACTION = PricedAction.CERTIFICATE_ISSUE.value


def certificate_price() -> int:
    """Guru's current credit price of issuing a certificate (never a stale copy). The
    student never charges it directly, so it is read whether or not Guru marks it so."""
    # No price in Guru is a missing rule, not a free certificate.
    price = guru_reads.action_price(
        PRICE_ACTION, when_missing=guru_reads.refuse(CertificatePriceUnavailable)
    )
    assert price is not None  # noqa: S101 (refused above otherwise)
    return price


def certificate_issue(*, user: User, course_id: int) -> tuple[Certificate, bool]:
    """The student's certificate for the course and whether it was issued just now.

    A student has one certificate per course: asking again returns it and charges nothing.
    Checks (enrollment, Guru's rules evaluated on our records, Guru's price) run first; the
    write locks the enrollment row, so two requests at once issue and charge one.
    """
    enrollment_require(user=user, course_id=course_id)
    existing = Certificate.objects.filter(user=user, course_id=course_id).first()
    if existing is not None:
        return existing, False
    if not user.name.strip():
        raise StudentNameRequired()
    content = course_content_get(course_id=course_id, fresh_rules=True)
    if content.rules is None:
        raise CertificateNotOffered()
    eligibility = certificate_eligibility(
        rules=content.rules,
        tests=content.tests,
        labs=content.labs,
        projects=content.projects,
        records=course_records(user=user, course_id=course_id),
    )
    if not eligibility.eligible:
        raise CertificateRequirementsUnmet(
            details={"missing": [vars(shortfall) for shortfall in eligibility.missing]}
        )
    certificate_printable_check(
        student_name=user.name.strip(),
        course_title=content.course.title,
        skills=list(content.course.skills),
    )
    credits = certificate_price()
    if credits > 0:
        # A student whose welcome grant waited on Guru gets it before this first spend.
        wallet_welcome_settle(user=user)

    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update().filter(user=user, course_id=course_id).first()
        )
        if enrollment is None:
            raise NotEnrolled()
        existing = Certificate.objects.filter(user=user, course_id=course_id).first()
        if existing is not None:
            return existing, False
        entry = None
        if credits > 0:
            entry = wallet_apply(
                user=user,
                amount=-credits,
                kind=LedgerEntry.Kind.DEDUCTION,
                reference=f"{PRICE_ACTION}:course:{course_id}",
                idempotency_key=f"{PRICE_ACTION}:course:{course_id}",
            )
        certificate = _certificate_create(
            user=user,
            course_id=course_id,
            student_name=user.name.strip(),
            course_title=content.course.title,
            skills=list(content.course.skills),
            rules_snapshot=to_json(content.rules),
            scores=eligibility.scores,
            credits_charged=credits,
            ledger_entry_id=entry.pk if entry else None,
        )
        notification_send(
            user=user,
            kind="certificate_issued",
            title=f"Your certificate for {certificate.course_title} is ready",
            data={"certificate_id": certificate.id, "course_id": course_id},
        )
    return certificate, True


def _certificate_create(**fields: Any) -> Certificate:
    """Inserts the certificate under a fresh random id. Under the enrollment lock only a
    collision of two 80-bit ids could fail the insert, so a second id settles it."""
    try:
        with transaction.atomic():
            return Certificate.objects.create(id=verification_id_new(CERTIFICATE_PREFIX), **fields)
    except IntegrityError:
        logger.error("certificate id collision; retrying with a new id")
        return Certificate.objects.create(id=verification_id_new(CERTIFICATE_PREFIX), **fields)


def certificate_revoke(*, certificate_id: str, reason: str, revoked_by: User) -> Certificate:
    """Revokes a certificate for good, recording who did it, when and why. Staff only; the
    student is told, and public verification answers 410 from then on."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(fields={"reason": ["Give the reason for the revocation."]})
    if len(reason) > REVOKED_REASON_MAX_LENGTH:
        raise InvalidInput(
            fields={"reason": [f"Keep the reason to {REVOKED_REASON_MAX_LENGTH} characters."]}
        )
    if not revoked_by.is_staff:
        raise RevokerNotStaff()
    # django-auditlog keeps the change with the admin as its actor, beside the row's own
    # revoked_by/revoked_at/revoked_reason.
    with transaction.atomic(), set_actor(revoked_by):
        certificate = (
            Certificate.objects.select_for_update()
            .filter(pk=verification_id_normalize(certificate_id))
            .first()
        )
        if certificate is None:
            raise NotFound("No certificate has this id.")
        if certificate.revoked_at is not None:
            raise CertificateAlreadyRevoked()
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason
        certificate.revoked_by = revoked_by
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        notification_send(
            user=certificate.user,
            kind="certificate_revoked",
            title=f"Your certificate for {certificate.course_title} was revoked",
            body=reason,
            data={"certificate_id": certificate.id},
        )
    logger.warning(
        "certificate revoked",
        extra={"certificate_id": certificate.id, "revoked_by": revoked_by.pk},
    )
    return certificate
