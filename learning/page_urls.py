"""Public verification pages for people (HTML), beside their JSON under /api/verify/."""

from django.urls import path

from learning.verify import pages

urlpatterns = [
    path(
        "certificate/<str:certificate_id>",
        pages.certificate_page,
        name="verify-certificate-page",
    ),
    path("marksheet/<str:verification_id>", pages.marksheet_page, name="verify-marksheet-page"),
]
