"""Development only: loads the demo course (guru.services.demo) on an empty database."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guru.services.demo import demo_content_load


class Command(BaseCommand):
    help = "Load a published demo course, prices and welcome credits if there is no course."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("load_demo_content is for development only")
        course = demo_content_load()
        if course is None:
            self.stdout.write("Courses exist already: no demo content loaded.")
        else:
            self.stdout.write(f"Loaded the demo course {course.title!r} (id {course.pk}).")
