"""Errors of learning (access, tests, certificates, labs, projects, portfolios), each with its
stable code."""

from config.errors import (
    Conflict,
    Forbidden,
    Gone,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    UnavailableReason,
    UpstreamError,
)


class NotEnrolled(Forbidden):
    code = "not_enrolled"
    message = "Enroll in this course first."


class LessonNotFound(NotFound):
    code = "lesson_not_found"
    message = "Lesson not found."


class LabNotFound(NotFound):
    code = "lab_not_found"
    message = "This course has no such lab."


class TestNotFound(NotFound):
    __test__ = False  # not a pytest test class

    code = "test_not_found"
    message = "This course has no such test."


class ProjectNotFound(NotFound):
    code = "project_not_found"
    message = "Project not found in this course."


class LabLocked(Forbidden):
    code = "lab_locked"
    message = "This lab is locked until its unlock rule is met."

    def __init__(self, *, rule: str, reference_id: int | None) -> None:
        super().__init__(details={"rule": rule, "reference_id": reference_id})


class TestInProgress(Conflict):
    __test__ = False  # not a pytest test class

    code = "test_in_progress"
    message = "Finish (or let expire) the test you are sitting before starting another."


class MaxAttemptsReached(Conflict):
    code = "max_attempts_reached"
    message = "You have used every attempt this test allows."


class AttemptStartConflict(Conflict):
    code = "attempt_start_conflict"
    message = "Another start of this test happened at the same moment. Try again."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "1"})


class AttemptNotStarted(Conflict):
    code = "attempt_not_started"
    message = "Start the test before submitting answers."


class AttemptExpired(Conflict):
    code = "attempt_expired"
    message = "The time for this attempt ran out; it has been closed without a grade."


class AttemptNotFound(NotFound):
    code = "attempt_not_found"
    message = "No test attempt has this id."


class CertificateNotOffered(NotFound):
    code = "certificate_not_offered"
    message = "This course does not offer a certificate."


class CertificateRequirementsUnmet(Forbidden):
    code = "certificate_requirements_unmet"
    message = "The course's certificate requirements are not met yet."


class StudentNameRequired(InvalidInput):
    code = "student_name_required"
    message = "Add your name to your profile first: it is printed on the certificate."


class CertificatePriceUnavailable(ServiceUnavailable):
    code = "certificate_price_unavailable"
    reason = UnavailableReason.NOT_PRICED
    message = "Certificates cannot be issued right now: no price is set for them."


class CertificateAlreadyRevoked(Conflict):
    code = "certificate_already_revoked"
    message = "This certificate is already revoked."


class RevokerNotStaff(Forbidden):
    code = "revoker_not_staff"
    message = "Only an active admin can revoke a certificate."


class CertificateRevoked(Gone):
    code = "certificate_revoked"
    message = "This certificate has been revoked."


class CertificateTextUnprintable(InvalidInput):
    code = "certificate_text_unprintable"
    message = "The certificate cannot print some characters of this text."


class LabRunnerUnavailable(ServiceUnavailable):
    code = "lab_runner_unavailable"
    message = "Code cannot be run right now. Nothing was charged; try again later."


class LabRunnerFailed(UpstreamError):
    code = "lab_runner_failed"
    message = "The code runner failed to run this submission. Nothing was charged."


class PortfolioNotFound(NotFound):
    code = "portfolio_not_found"
    message = "No public portfolio with this username."


class ProjectAlreadyAccepted(Conflict):
    code = "project_already_accepted"
    message = "This project was accepted; it cannot be resubmitted."
