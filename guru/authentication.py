"""Authentication of /api/admin/: a bearer access token naming a live admin session."""

from typing import TYPE_CHECKING, Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from accounts.models import User
from guru.errors import BEARER_CHALLENGE, AdminTokenInvalid
from guru.models import AdminSession
from guru.services.admin_auth import admin_session_touch
from guru.tokens import admin_session_for_access_token

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema


class AdminJWTAuthentication(BaseAuthentication):
    """request.user is the session's user, loaded from the database on every request (so the
    role is never a token's claim); request.auth is the AdminSession."""

    def authenticate(self, request: Request) -> tuple[User, AdminSession] | None:
        scheme, _, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer":
            # No bearer credentials: the permission check answers 401 not_authenticated.
            return None
        raw = credentials.strip()
        if not raw or " " in raw:
            raise AdminTokenInvalid()
        session = admin_session_for_access_token(raw)
        admin_session_touch(session=session)
        return session.user, session

    def authenticate_header(self, request: Request) -> str:
        return BEARER_CHALLENGE


def admin_session_of(request: Request) -> AdminSession:
    """The admin session that authenticated the request (request.auth, typed): every route
    behind AdminJWTAuthentication has one; anywhere else the request is answered 401."""
    session = request.auth
    if not isinstance(session, AdminSession):
        raise AdminTokenInvalid()
    return session


class AdminJWTAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = AdminJWTAuthentication
    name = "adminBearerAuth"

    def get_security_definition(self, auto_schema: "AutoSchema") -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="HTTP_AUTHORIZATION",
            token_prefix="Bearer",  # noqa: S106 (a scheme name, not a secret)
            bearer_format="JWT",
        )
