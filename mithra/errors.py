"""Errors of the AI tutor, each with its stable code."""

from config.errors import (
    InvalidInput,
    NotFound,
    RateLimited,
    ServiceUnavailable,
    UnavailableReason,
    UpstreamTimeout,
)
from learning import errors as learning_errors


class TutorDisabled(ServiceUnavailable):
    code = "tutor_disabled"
    message = "The tutor is switched off for now."
    reason = UnavailableReason.DISABLED


class TestInProgress(learning_errors.TestInProgress):
    __test__ = False  # not a pytest test class

    message = "The tutor is off while you are taking a test."


class QuestionTooLong(InvalidInput):
    code = "question_too_long"
    message = "The question is longer than the tutor accepts."


class ConversationMismatch(InvalidInput):
    code = "conversation_mismatch"
    message = "This conversation is about another course, lesson or lab."


class DailyCapReached(RateLimited):
    code = "tutor_daily_cap_reached"
    message = "You have asked the tutor as many questions as a day allows."


class ConversationNotFound(NotFound):
    code = "conversation_not_found"
    message = "No such conversation."


class TutorUnavailable(ServiceUnavailable):
    code = "tutor_unavailable"
    message = "The tutor is not available right now."


class TutorBusy(ServiceUnavailable):
    code = "tutor_busy"
    message = "The tutor is busy. Try again in a moment; nothing was charged."
    reason = UnavailableReason.BUSY


class TutorUpstreamError(ServiceUnavailable):
    code = "tutor_upstream_error"
    message = "The tutor could not answer. Try again; nothing was charged."
    reason = UnavailableReason.UPSTREAM_DOWN


class TutorTimeout(UpstreamTimeout):
    code = "tutor_timeout"
    message = "The tutor took too long to answer. Try again; nothing was charged."
