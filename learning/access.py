"""Who may use a course's lessons, labs, tests and projects: students enrolled in it."""

from accounts.models import User
from config.errors import Forbidden
from learning.selectors import is_enrolled


class NotEnrolled(Forbidden):
    code = "not_enrolled"
    message = "Enroll in this course first."


def enrollment_require(*, user: User, course_id: int) -> None:
    if not is_enrolled(user=user, course_id=course_id):
        raise NotEnrolled()
