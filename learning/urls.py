from django.urls import path

from learning import catalogue, marksheet, progress, verify
from learning.certificates import api as certificates

urlpatterns = [
    path("courses", catalogue.CourseListView.as_view(), name="courses"),
    path("courses/<int:course_id>", catalogue.CourseDetailView.as_view(), name="course"),
    path(
        "courses/<int:course_id>/progress",
        progress.CourseProgressView.as_view(),
        name="course-progress",
    ),
    path("certificates", certificates.CertificateListView.as_view(), name="certificates"),
    path(
        "certificates/generate",
        certificates.CertificateGenerateView.as_view(),
        name="certificate-generate",
    ),
    path(
        "certificates/<str:certificate_id>",
        certificates.CertificateDetailView.as_view(),
        name="certificate",
    ),
    path(
        "certificates/<str:certificate_id>/pdf",
        certificates.CertificatePdfView.as_view(),
        name="certificate-pdf",
    ),
    path("marksheet", marksheet.MarksheetView.as_view(), name="marksheet"),
    path(
        "verify/certificate/<str:certificate_id>",
        verify.CertificateVerifyView.as_view(),
        name="verify-certificate",
    ),
    path(
        "verify/marksheet/<str:verification_id>",
        verify.MarksheetVerifyView.as_view(),
        name="verify-marksheet",
    ),
]
