"""Deletes expired OTP challenges (run daily from cron)."""

from django.core.management.base import BaseCommand

from accounts.services import otp_challenges_purge


class Command(BaseCommand):
    help = "Delete OTP challenges that expired more than a day ago."

    def handle(self, *args: object, **options: object) -> None:
        deleted = otp_challenges_purge()
        self.stdout.write(f"Deleted {deleted} expired OTP challenges.")
