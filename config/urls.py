"""The URL sets this process serves, the API docs and the error handlers."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import exception_handler
from shishya.health import HealthView

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/health", HealthView.as_view(), name="health"),
    # Student routes: /api/auth/, /api/user/ (accounts), /api/notifications (shishya).
    path("api/", include("accounts.urls")),
    path("api/", include("shishya.urls")),
    path("api/wallet/", include("wallet.urls")),
    # /api/payments/ and /api/user/subscription, /api/user/features (payments).
    path("api/", include("payments.urls")),
]

# Any other /api/ path is a 404 in the envelope, even with DEBUG on.
urlpatterns.append(re_path(r"^api/", exception_handler.not_found))

handler400 = "config.exception_handler.bad_request"
handler403 = "config.exception_handler.permission_denied"
handler404 = "config.exception_handler.not_found"
handler500 = "config.exception_handler.server_error"
