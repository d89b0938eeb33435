"""Development only: a fresh Guru API key for this machine's own student side (bash .ci/serve
exports it as GURU_API_KEY). Earlier development keys are revoked."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from guru.models import ApiKey
from guru.services.api_keys import api_key_create

DEV_KEY_NAME = "development (bash .ci/serve)"


class Command(BaseCommand):
    help = "Issue a catalog+grading API key for local development and print it."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("dev_api_key is for development only")
        ApiKey.objects.filter(name=DEV_KEY_NAME, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        issued = api_key_create(name=DEV_KEY_NAME, scopes=["catalog", "grading"])
        self.stdout.write(issued.plain_key)
