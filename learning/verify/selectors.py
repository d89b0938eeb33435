"""What a verifier sees of a certificate or a marksheet, looked up by the id a person typed or
scanned: only what verifying needs, never an email address or an internal id."""

from typing import Any

from learning.certificates.selectors import certificate_public_get
from learning.marksheet.selectors import marksheet_public_get
from learning.models import Certificate


def _certificate_shown(certificate: Certificate) -> dict[str, Any]:
    return {
        "certificate_id": certificate.id,
        "student_name": certificate.student_name,
        "course_title": certificate.course_title,
        "issued_on": certificate.issued_at.date(),
        "skills": certificate.skills,
        "status": "revoked" if certificate.revoked_at else "valid",
        "revoked_on": certificate.revoked_at.date() if certificate.revoked_at else None,
    }


def _marksheet_shown(marksheet: dict[str, Any]) -> dict[str, Any]:
    return {
        "verification_id": marksheet["verification_id"],
        "student_name": marksheet["student_name"],
        "as_of": marksheet["generated_at"],
        "courses": [
            {
                "course_title": result.course_title,
                "academic_credits": result.academic_credits,
                "grade": result.grade,
            }
            for result in marksheet["courses"]
        ],
        "total_credits": marksheet["total_credits"],
        "cgpa": marksheet["cgpa"],
        "classification": marksheet["classification"],
    }


def certificate_verification_get(*, certificate_id: str) -> dict[str, Any]:
    """A revoked certificate too, with its status "revoked": the caller answers 410."""
    return _certificate_shown(certificate_public_get(certificate_id=certificate_id))


def marksheet_verification_get(*, verification_id: str) -> dict[str, Any]:
    return _marksheet_shown(marksheet_public_get(verification_id=verification_id))
