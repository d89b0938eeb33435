"""Checks every wallet's balance against the sum of its ledger; exits 1 on any mismatch."""

from django.core.management.base import BaseCommand, CommandError

from wallet.selectors import wallets_not_matching_ledger


class Command(BaseCommand):
    help = "Verify that every wallet's balance equals the sum of its ledger entries."

    def handle(self, *args: object, **options: object) -> None:
        mismatches = list(wallets_not_matching_ledger())
        for wallet in mismatches:
            self.stdout.write(
                f"wallet {wallet.pk} (user {wallet.user_id}): balance {wallet.balance}, "
                f"ledger sum {wallet.ledger_sum}"
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} wallet(s) do not match their ledger")
        self.stdout.write("All wallets match their ledgers.")
