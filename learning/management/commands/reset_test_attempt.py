"""Staff reset of a student's test attempt (e.g. after an outage cut the attempt short)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from config.errors import ApiError
from learning.assessments.services import test_attempt_reset


class Command(BaseCommand):
    help = (
        "Remove a test attempt so the student may sit the test again. The attempt as it was, "
        "the admin who reset it and the reason are kept in the audit log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("attempt_id", type=int, help="Id of the test attempt.")
        parser.add_argument("--actor", required=True, help="Email of the admin deciding the reset.")
        parser.add_argument("--reason", required=True, help="Why the attempt is reset.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(email__iexact=options["actor"].strip()).first()
        if actor is None:
            raise CommandError(f"No account has the email {options['actor']!r}.")
        try:
            snapshot = test_attempt_reset(
                attempt_id=options["attempt_id"], actor=actor, reason=options["reason"]
            )
        except ApiError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Attempt {options['attempt_id']} (test {snapshot['test_id']}, attempt "
            f"{snapshot['attempt_number']}, {snapshot['status']}) of user {snapshot['user_id']} "
            f"reset by {actor.email}."
        )
