"""The URL sets this process serves (SERVED_SYSTEMS), the index, the API docs and the error
handlers."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import exception_handler
from config.api_index import ApiIndexView
from config.logging import UNROUTED_URL_NAME
from guru.admin_site import guru_admin_site
from shishya.health import HealthView, LivenessView

urlpatterns: list[URLPattern | URLResolver] = [
    # A person opening the server finds the docs; a program opening /api/ finds what is where.
    path("", RedirectView.as_view(pattern_name="docs"), name="root"),
    path("api/", ApiIndexView.as_view(), name="api-index"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/health", HealthView.as_view(), name="health"),
    path("api/health/live", LivenessView.as_view(), name="health-live"),
]

if "shishya" in settings.SERVED_SYSTEMS:
    # Student routes: /api/auth/, /api/user/ (accounts), /api/notifications (shishya),
    # /api/wallet/, /api/payments/ and /api/user/subscription|features, /api/courses,
    # /api/certificates, /api/marksheet, /api/verify/, /api/mithra/ (the AI tutor); and the
    # public verification pages.
    urlpatterns += [
        path("api/", include("accounts.urls")),
        path("api/", include("shishya.urls")),
        path("api/wallet/", include("wallet.urls")),
        path("api/", include("payments.urls")),
        path("api/", include("learning.urls")),
        path("verify/", include("learning.page_urls")),
        path("api/mithra/", include("mithra.urls")),
    ]

if "guru" in settings.SERVED_SYSTEMS:
    urlpatterns += [
        path("api/admin/", include("guru.urls")),
        path("api/public/", include("guru.public.urls")),
        path("guru/admin/", guru_admin_site.urls),
    ]

# Any other /api/ path (unknown, or of a system this process does not serve) is a 404 in the
# envelope, even with DEBUG on, and even for an unsafe request without a CSRF token: there is
# nothing here to protect, and a 403 would say the path exists.
urlpatterns.append(
    re_path(r"^api/", csrf_exempt(exception_handler.not_found), name=UNROUTED_URL_NAME)
)

handler400 = "config.exception_handler.bad_request"
handler403 = "config.exception_handler.permission_denied"
handler404 = "config.exception_handler.not_found"
handler500 = "config.exception_handler.server_error"
