"""The Django admin site at /guru/admin/: staff only, behind the same password + email OTP.

Being logged in to Django (a student session, or an admin's session from any other login)
never opens it: has_permission also needs the site session that only this site's OTP step
opens, still live (same idle and absolute timeouts, logout and password rules as the API).
"""

import uuid

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache

from accounts.models import User
from config.client_ip import client_ip
from config.errors import ApiError
from guru.models import AdminSession
from guru.selectors.admin_auth import admin_session_get_live
from guru.services.admin_auth import (
    admin_login_start,
    admin_login_verify,
    admin_password_set,
    admin_session_end,
    admin_session_touch,
)
from guru.throttles import admin_auth_throttle

SITE_SESSION_KEY = "guru_admin_session_id"
PENDING_LOGIN_KEY = "guru_admin_pending_login"


def _page_status(exc: ApiError) -> int:
    # A refused password or code re-renders the form (200, as Django's login does); rate
    # limits and outages keep their status.
    return exc.status_code if exc.status_code >= 429 else 200


class PasswordStepForm(forms.Form):
    # Named as admin/login.html expects.
    username = forms.EmailField(label="Email", max_length=254)
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)


class OtpStepForm(forms.Form):
    otp = forms.RegexField(
        r"^\d{6}$",
        label="Verification code",
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SitePasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> User:
        # Through the service, so every session of the admin (this one too) ends.
        admin_password_set(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class GuruAdminSite(admin.AdminSite):
    site_header = "OurShiksha Guru administration"
    site_title = "OurShiksha Guru"
    index_title = "Administration"

    def has_permission(self, request: HttpRequest) -> bool:
        if not hasattr(request, "guru_admin_session"):
            request.guru_admin_session = self._live_site_session(request)  # type: ignore[attr-defined]
        return request.guru_admin_session is not None  # type: ignore[attr-defined]

    def _live_site_session(self, request: HttpRequest) -> AdminSession | None:
        user = request.user
        if not (user.is_active and user.is_staff):
            return None
        try:
            session_id = uuid.UUID(str(request.session.get(SITE_SESSION_KEY)))
        except ValueError:
            return None
        session = admin_session_get_live(session_id=session_id, channel=AdminSession.Channel.SITE)
        if session is None or session.user_id != user.pk:
            return None
        admin_session_touch(session=session)
        return session

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [
            path("login/verify/", self.login_verify, name="login_verify"),
            *super().get_urls(),
        ]

    def _next_url(self, request: HttpRequest) -> str:
        candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
        return reverse("admin:index", current_app=self.name)

    def _login_page(
        self, request: HttpRequest, template: str, form: forms.Form, status: int
    ) -> TemplateResponse:
        request.current_app = self.name
        context = {
            **self.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            "form": form,
            REDIRECT_FIELD_NAME: self._next_url(request),
            "ttl_minutes": settings.OTP_TTL_SECONDS // 60,
        }
        return TemplateResponse(request, template, context, status=status)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Step 1: email and password. Always moves on to the code step, as the API answers
        alike, so the page never tells whether the password was right."""
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        form = PasswordStepForm(request.POST if request.method == "POST" else None)
        status = 200
        if form.is_valid():
            email = form.cleaned_data["username"]
            try:
                admin_auth_throttle(request, action="login", email=email)
                challenge_id = admin_login_start(
                    email=email, password=form.cleaned_data["password"]
                )
            except ApiError as exc:
                form.add_error(None, exc.message)
                status = _page_status(exc)
            else:
                request.session[PENDING_LOGIN_KEY] = {
                    "email": email,
                    "challenge_id": str(challenge_id),
                }
                verify_url = reverse("admin:login_verify", current_app=self.name)
                query = urlencode({REDIRECT_FIELD_NAME: self._next_url(request)})
                return HttpResponseRedirect(f"{verify_url}?{query}")
        return self._login_page(request, "admin/login.html", form, status)

    @method_decorator(never_cache)
    def login_verify(self, request: HttpRequest) -> HttpResponse:
        """Step 2: the emailed code. Only here does a site session open."""
        pending = request.session.get(PENDING_LOGIN_KEY)
        if not pending:
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        form = OtpStepForm(request.POST if request.method == "POST" else None)
        status = 200
        if form.is_valid():
            try:
                admin_auth_throttle(request, action="verify_otp", email=pending["email"])
                session = admin_login_verify(
                    challenge_id=uuid.UUID(pending["challenge_id"]),
                    email=pending["email"],
                    otp=form.cleaned_data["otp"],
                    channel=AdminSession.Channel.SITE,
                    ip=client_ip(request),
                    user_agent=request.headers.get("User-Agent", ""),
                )
            except ApiError as exc:
                form.add_error("otp", exc.message)
                status = _page_status(exc)
            else:
                next_url = self._next_url(request)
                auth_login(request, session.user)
                request.session.pop(PENDING_LOGIN_KEY, None)
                request.session[SITE_SESSION_KEY] = str(session.id)
                return HttpResponseRedirect(next_url)
        return self._login_page(request, "guru/admin/login_otp.html", form, status)

    def logout(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        session = getattr(request, "guru_admin_session", None)
        if request.method == "POST" and session is not None:
            admin_session_end(session=session, reason=AdminSession.EndReason.LOGOUT)
        return super().logout(request, extra_context)

    # The view's own response (a redirect once changed); the stubs say a TemplateResponse.
    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponseBase:
        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=SitePasswordChangeForm,
            success_url=reverse("admin:login", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)


guru_admin_site = GuruAdminSite(name="guru_admin")
