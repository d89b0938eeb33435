"""Issues a Guru public API key and prints it once (it is stored only as a keyed hash)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from guru.models import ApiKey
from guru.services.api_keys import api_key_create


class Command(BaseCommand):
    help = "Create a Guru public API key; the key is printed once and cannot be shown again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--scopes",
            default="catalog",
            help=f"Comma-separated, from: {', '.join(ApiKey.Scope.values)}.",
        )
        parser.add_argument("--expires-in-days", type=int, default=None)

    def handle(self, *args: object, **options: object) -> None:
        scopes = [s.strip() for s in str(options["scopes"]).split(",") if s.strip()]
        days = options["expires_in_days"]
        expires_at = (
            timezone.now() + timedelta(days=days) if isinstance(days, int) and days else None
        )
        try:
            issued = api_key_create(name=str(options["name"]), scopes=scopes, expires_at=expires_at)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(issued.plain_key)
