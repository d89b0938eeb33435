"""Grants the welcome credits of verified students who never had them settled (verified while
Guru was down and not spent since, or before grants moved to verification). Safe to rerun:
each student is settled once. Exits 1 when Guru could not confirm its settings for some."""

from django.core.management.base import BaseCommand, CommandError

from wallet.selectors import students_welcome_unsettled
from wallet.services import wallet_welcome_settle


class Command(BaseCommand):
    help = "Settle the welcome credits of verified students who were never settled."

    def handle(self, *args: object, **options: object) -> None:
        students = list(students_welcome_unsettled())
        for student in students:
            wallet_welcome_settle(user=student)
        left = students_welcome_unsettled().count()
        self.stdout.write(f"{len(students) - left} settled, {left} left.")
        if left:
            raise CommandError(f"{left} student(s) left unsettled: Guru did not answer; rerun")
