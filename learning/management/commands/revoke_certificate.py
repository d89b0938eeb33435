"""Revokes a certificate for good: staff name themselves and give the reason, both kept on
the certificate and in its audit history."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from config.errors import ApiError
from learning.certificates.services import certificate_revoke


class Command(BaseCommand):
    help = "Revoke a certificate (it then verifies as revoked, 410)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("certificate_id", help='The certificate id, e.g. "OSC-...".')
        parser.add_argument("--reason", required=True, help="Why it is revoked (kept).")
        parser.add_argument(
            "--by", required=True, dest="admin_email", help="Email of the admin revoking it."
        )

    def handle(self, *args: object, **options: str) -> None:
        admin = User.objects.filter(email=options["admin_email"].strip().lower()).first()
        if admin is None:
            raise CommandError("No user has this email address.")
        try:
            certificate = certificate_revoke(
                certificate_id=options["certificate_id"],
                reason=options["reason"],
                revoked_by=admin,
            )
        except ApiError as error:
            raise CommandError(f"{error.code}: {error.message} {error.fields or ''}") from error
        self.stdout.write(f"Revoked {certificate.id} ({certificate.course_title}).")
