"""Student auth (/api/auth/) and profile (/api/user/) routes."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("auth/csrf", views.CsrfTokenView.as_view(), name="auth-csrf"),
    path("auth/signup", views.SignupView.as_view(), name="auth-signup"),
    path("auth/verify-otp", views.VerifyOtpView.as_view(), name="auth-verify-otp"),
    path("auth/resend-otp", views.ResendOtpView.as_view(), name="auth-resend-otp"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-everywhere", views.LogoutEverywhereView.as_view(), name="auth-logout-all"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("auth/password/forgot", views.PasswordForgotView.as_view(), name="auth-password-forgot"),
    path("auth/password/reset", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path("auth/password/change", views.PasswordChangeView.as_view(), name="auth-password-change"),
    path("user/profile", views.ProfileView.as_view(), name="user-profile"),
]
