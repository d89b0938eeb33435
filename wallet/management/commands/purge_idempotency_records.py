"""Deletes Idempotency-Key records older than 24 hours and the records of system signatures
whose window has passed (beat runs it hourly)."""

from django.core.management.base import BaseCommand

from config.system_signature import signed_call_records_purge
from wallet.idempotency import idempotency_records_purge


class Command(BaseCommand):
    help = (
        "Delete idempotency records older than 24 hours and expired records of accepted "
        "system signatures."
    )

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"Deleted {idempotency_records_purge()} idempotency records.")
        self.stdout.write(f"Deleted {signed_call_records_purge()} signed call records.")
