"""Reads of certificates: a student's own, and the public lookup by verification id."""

from django.db.models import QuerySet

from accounts.models import User
from config.errors import Gone, NotFound
from learning.models import Certificate
from learning.verification_ids import CERTIFICATE_PREFIX, verification_id_normalize


class CertificateRevoked(Gone):
    code = "certificate_revoked"
    message = "This certificate has been revoked."


def certificates_of(*, user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).order_by("-issued_at", "id")


def certificate_of_student_get(*, user: User, certificate_id: str) -> Certificate:
    """The student's own certificate; another student's is as unknown as a made-up id."""
    certificate = Certificate.objects.filter(user=user, pk=certificate_id).first()
    if certificate is None:
        raise NotFound("No certificate of yours has this id.")
    return certificate


def certificate_public_get(*, certificate_id: str) -> Certificate:
    """A certificate by the id a verifier typed or scanned (case and I/L/O forgiven)."""
    normalized = verification_id_normalize(certificate_id)
    certificate = (
        Certificate.objects.filter(pk=normalized).first()
        if normalized and normalized.startswith(CERTIFICATE_PREFIX + "-")
        else None
    )
    if certificate is None:
        raise NotFound("No certificate has this id.")
    return certificate
