"""Deletes Idempotency-Key records older than 24 hours (beat runs it hourly)."""

from django.core.management.base import BaseCommand

from wallet.idempotency import idempotency_records_purge


class Command(BaseCommand):
    help = "Delete idempotency records older than 24 hours."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"Deleted {idempotency_records_purge()} idempotency records.")
