"""WSGI entry point (gunicorn config.wsgi): Django's sync handler alone, for tools and the
benchmarks' side-by-side runs. It serves no static files and cannot stream the tutor's answer
without holding a thread; production runs config.asgi, which uses this handler for sync views."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
