"""Creates a Guru admin (admins are never self-registered), or sets a new password for one."""

import getpass
import sys
from typing import Any, TextIO

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from accounts.models import User


class Command(BaseCommand):
    help = (
        "Create an admin account, or set a new password for one with --reset-password. The "
        "password is asked for twice at a terminal, or read as one line from stdin; it is "
        "never an argument."
    )
    # call_command(..., stdin=...) in tests, as createsuperuser allows.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The admin's email (their login).")
        parser.add_argument("--name", default="", help="The admin's display name.")
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="Set a new password for an existing admin; all of their sessions end.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = User.objects.normalize_email(options["email"].strip()).lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not a valid email address: {email!r}") from None
        existing = User.objects.filter(email__iexact=email).first()

        if options["reset_password"]:
            if existing is None or not existing.is_admin:
                raise CommandError(f"No admin account has the email {email}.")
            password = self._new_password(existing, options.get("stdin") or sys.stdin)
            # Admin sessions remember the password they were opened under (guru), so each
            # one stops working at its next request.
            existing.set_password(password)
            existing.save(update_fields=["password"])
            self.stdout.write(f"Password set for {email}; their sessions have ended.")
            return

        if existing is not None:
            raise CommandError(
                f"An account with the email {email} already exists; admins are created new."
            )
        candidate = User(email=email, name=options["name"], role=User.Role.ADMIN)
        password = self._new_password(candidate, options.get("stdin") or sys.stdin)
        User.objects.create_superuser(email, password, name=options["name"])
        self.stdout.write(f"Admin {email} created. They sign in with their password and an OTP.")

    def _new_password(self, user: User, stdin: TextIO) -> str:
        if stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        else:
            password = stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("A password is required.")
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        return password
