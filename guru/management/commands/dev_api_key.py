"""Development only: a fresh Guru API key for the student side of the server `bash .ci/serve`
is about to start on a port (it exports it as GURU_API_KEY). No key is ever revoked here: a
server already running, on any port, keeps reading Guru with its own. A taken port is
refused before anything is written."""

import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from guru.services.api_keys import api_key_create


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Command(BaseCommand):
    help = "Issue a catalog+grading API key for the development server on a port and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: object, **options: int) -> None:
        if settings.PRODUCTION:
            raise CommandError("dev_api_key is for development only")
        port = options["port"]
        if not port_is_free(port):
            raise CommandError(
                f"Port {port} is in use (another server?). Nothing was changed; pick another "
                f"port: bash .ci/serve {port + 1}"
            )
        started = timezone.now().isoformat(timespec="seconds")
        issued = api_key_create(
            name=f"development (bash .ci/serve, port {port}, {started})",
            scopes=["catalog", "grading"],
        )
        self.stdout.write(issued.plain_key)
