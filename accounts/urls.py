"""Student auth (/api/auth/) and profile (/api/user/) routes."""

from django.urls import path

from accounts.passwords import api as passwords
from accounts.profile import api as profile
from accounts.signin import api as signin
from accounts.signup import api as signup

urlpatterns = [
    path("auth/csrf", signin.CsrfTokenView.as_view(), name="auth-csrf"),
    path("auth/signup", signup.SignupView.as_view(), name="auth-signup"),
    path("auth/verify-otp", signup.VerifyOtpView.as_view(), name="auth-verify-otp"),
    path("auth/resend-otp", signup.ResendOtpView.as_view(), name="auth-resend-otp"),
    path("auth/login", signin.LoginView.as_view(), name="auth-login"),
    path("auth/logout", signin.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-everywhere", signin.LogoutEverywhereView.as_view(), name="auth-logout-all"),
    path("auth/me", signin.MeView.as_view(), name="auth-me"),
    path(
        "auth/password/forgot", passwords.PasswordForgotView.as_view(), name="auth-password-forgot"
    ),
    path("auth/password/reset", passwords.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password/change", passwords.PasswordChangeView.as_view(), name="auth-password-change"
    ),
    path("user/profile", profile.ProfileView.as_view(), name="user-profile"),
]
