"""Routes under /api/admin/ (config.urls mounts them when this process serves guru)."""

from django.urls import path

from guru import auth_api

urlpatterns = [
    path("auth/login", auth_api.AdminLoginApi.as_view(), name="admin-auth-login"),
    path("auth/verify-otp", auth_api.AdminVerifyOtpApi.as_view(), name="admin-auth-verify-otp"),
    path("auth/refresh", auth_api.AdminTokenRefreshApi.as_view(), name="admin-auth-refresh"),
    path("auth/logout", auth_api.AdminLogoutApi.as_view(), name="admin-auth-logout"),
    path("auth/password", auth_api.AdminPasswordChangeApi.as_view(), name="admin-auth-password"),
]
