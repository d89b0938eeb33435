"""Deletes expired OTP challenges and abandoned signups (beat runs it daily)."""

from django.core.management.base import BaseCommand

from accounts.otp.services import otp_challenges_purge


class Command(BaseCommand):
    help = (
        "Delete OTP challenges that expired more than a day ago, and students who never "
        "verified their email and have had no signup code for a day."
    )

    def handle(self, *args: object, **options: object) -> None:
        challenges, accounts = otp_challenges_purge()
        self.stdout.write(
            f"Deleted {challenges} expired OTP challenges and {accounts} unverified accounts."
        )
