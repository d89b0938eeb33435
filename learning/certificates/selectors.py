"""Reads of certificates: a student's own, and the public lookup by verification id."""

from django.db.models import QuerySet

from accounts.models import User
from config.errors import NotFound
from learning.models import Certificate
from learning.verification_ids import CERTIFICATE_PREFIX, verification_id_normalize


def certificates_of(*, user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).order_by("-issued_at", "id")


def _certificates_by_id(certificate_id: str) -> QuerySet[Certificate]:
    """Every lookup by id, the student's own and the public one, forgives what a person
    gets wrong typing it (case, I/L for 1, O for 0); anything else matches nothing."""
    normalized = verification_id_normalize(certificate_id)
    if normalized is None or not normalized.startswith(CERTIFICATE_PREFIX + "-"):
        return Certificate.objects.none()
    return Certificate.objects.filter(pk=normalized)


def certificate_of_student_get(*, user: User, certificate_id: str) -> Certificate:
    """The student's own certificate; another student's is as unknown as a made-up id."""
    certificate = _certificates_by_id(certificate_id).filter(user=user).first()
    if certificate is None:
        raise NotFound("No certificate of yours has this id.")
    return certificate


def certificate_public_get(*, certificate_id: str) -> Certificate:
    """A certificate by the id a verifier typed or scanned."""
    certificate = _certificates_by_id(certificate_id).first()
    if certificate is None:
        raise NotFound("No certificate has this id.")
    return certificate
