"""An admin-only probe route, mounted only by the admin auth tests (never in config.urls)."""

from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response

from guru.admin_base import AdminAPIView


class AdminProbeView(AdminAPIView):
    def get(self, request: Request) -> Response:
        return Response({"email": request.user.email, "session": str(request.auth.id)})


urlpatterns = [
    path("api/admin/test/probe", AdminProbeView.as_view()),
    path("", include("config.urls")),
]
handler404 = "config.exception_handler.not_found"
handler500 = "config.exception_handler.server_error"
