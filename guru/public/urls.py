from django.urls import path

from guru.public import api

urlpatterns = [
    path("courses", api.CourseListView.as_view(), name="public-courses"),
    path("courses/<int:course_id>", api.CourseDetailView.as_view(), name="public-course"),
    path("courses/<int:course_id>/tests", api.CourseTestsView.as_view(), name="public-tests"),
    path("courses/<int:course_id>/labs", api.CourseLabsView.as_view(), name="public-labs"),
    path(
        "courses/<int:course_id>/projects",
        api.CourseProjectsView.as_view(),
        name="public-projects",
    ),
    path(
        "courses/<int:course_id>/certificate-rules",
        api.CertificateRulesView.as_view(),
        name="public-certificate-rules",
    ),
    path("pricing", api.PricingView.as_view(), name="public-pricing"),
    path("vouchers/<str:code>", api.VoucherView.as_view(), name="public-voucher"),
    path("settings", api.PlatformSettingsView.as_view(), name="public-settings"),
    path("version", api.ContentVersionView.as_view(), name="public-version"),
]
