"""Recovers missed Razorpay webhooks: fulfils unpaid orders Razorpay reports paid, and
handles stored events left unprocessed (beat runs it every 5 minutes)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from payments.services import RECONCILE_GRACE, RECONCILE_SINCE, payments_reconcile


class Command(BaseCommand):
    help = "Ask Razorpay about unpaid orders and retry unprocessed webhook events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since-hours",
            type=int,
            default=int(RECONCILE_SINCE.total_seconds() // 3600),
            help="Check orders created within this many hours (default 72).",
        )
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=int(RECONCILE_GRACE.total_seconds() // 60),
            help="Leave orders and events younger than this to checkout and webhooks (default 5).",
        )

    def handle(self, *args: object, **options: int) -> None:
        counts = payments_reconcile(
            since=timedelta(hours=options["since_hours"]),
            grace=timedelta(minutes=options["grace_minutes"]),
        )
        summary = ", ".join(f"{outcome}: {n}" for outcome, n in sorted(counts.items()))
        self.stdout.write(f"Reconciled payments. {summary or 'Nothing to do.'}")
