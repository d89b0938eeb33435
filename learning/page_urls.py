"""Public verification pages for people (HTML), beside their JSON under /api/verify/."""

from django.urls import path

from learning import verify

urlpatterns = [
    path(
        "certificate/<str:certificate_id>",
        verify.certificate_page,
        name="verify-certificate-page",
    ),
    path("marksheet/<str:verification_id>", verify.marksheet_page, name="verify-marksheet-page"),
]
