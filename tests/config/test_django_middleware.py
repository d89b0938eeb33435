"""Django's middleware under the async handler: their I/O-free hooks run on the event loop,
not through a thread hop each (config.django_middleware)."""

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string

from config.django_middleware import HooksInLoop, SessionMiddleware

# Django's deploy checks find these by their paths: they keep Django's classes, and hops.
KEPT = {
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
}


def test_every_other_django_middleware_in_the_chain_runs_its_hooks_in_the_loop():
    for path in set(settings.MIDDLEWARE) - KEPT:
        middleware = import_string(path)
        if isinstance(middleware, type) and issubclass(middleware, MiddlewareMixin):
            assert issubclass(middleware, HooksInLoop | SessionMiddleware), path


@pytest.mark.django_db
def test_a_request_on_the_async_handler_hops_to_a_thread_only_where_it_may_do_io(
    async_client, thread_hops
):
    # The tutor's view (the async one) refuses a visitor after DRF's checks, in their thread.
    response = async_to_sync(async_client.post)(
        "/api/mithra/ask", {}, content_type="application/json"
    )

    assert response.status_code == 401
    # Before: also the session's process_request, and Common's, Auth's and Messages' hooks.
    hook_names = (".process_request", ".process_response")
    hooks = [name for name in thread_hops if name.endswith(hook_names)]
    assert sorted(hooks) == [
        "CsrfViewMiddleware.process_request",
        "CsrfViewMiddleware.process_response",
        "SecurityMiddleware.process_request",
        "SecurityMiddleware.process_response",
        "SessionMiddleware.process_response",
        "XFrameOptionsMiddleware.process_response",
    ]
    # What those hooks add is still there.
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]
