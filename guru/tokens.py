"""Admin JWTs (SimpleJWT, HS256 under ADMIN_JWT_SIGNING_KEY): each names its AdminSession."""

import uuid
from dataclasses import dataclass

from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token

from guru.errors import AdminSessionEnded, AdminTokenExpired, AdminTokenInvalid
from guru.models import AdminSession
from guru.selectors.admin_auth import admin_session_get_live

SESSION_CLAIM = "sid"
# The user's credentials_version the session was opened under (the session row holds it too).
CREDENTIALS_CLAIM = "cv"


@dataclass(frozen=True)
class AdminTokens:
    access: str
    refresh: str


def admin_tokens_issue(*, session: AdminSession) -> AdminTokens:
    refresh = RefreshToken.for_user(session.user)
    refresh[SESSION_CLAIM] = str(session.id)
    refresh[CREDENTIALS_CLAIM] = session.credentials_version
    return AdminTokens(access=str(refresh.access_token), refresh=str(refresh))


def admin_session_for_access_token(raw: str) -> AdminSession:
    """The live session an access token names; 401 errors for anything else."""
    try:
        token = AccessToken(raw)  # type: ignore[arg-type]
    except ExpiredTokenError:
        raise AdminTokenExpired() from None
    except TokenError:
        raise AdminTokenInvalid() from None
    return _live_session(token)


def admin_refresh_token_read(raw: str) -> tuple[RefreshToken, AdminSession]:
    """The refresh token and its live session. A refresh token lives as long as a session
    may, so an expired one means the session is over."""
    try:
        token = RefreshToken(raw)  # type: ignore[arg-type]
    except ExpiredTokenError:
        raise AdminSessionEnded() from None
    except TokenError:
        raise AdminTokenInvalid() from None
    return token, _live_session(token)


def _live_session(token: Token) -> AdminSession:
    try:
        session_id = uuid.UUID(str(token[SESSION_CLAIM]))
        user_id = str(token["user_id"])
    except (KeyError, ValueError):
        raise AdminTokenInvalid() from None
    session = admin_session_get_live(session_id=session_id, channel=AdminSession.Channel.API)
    if (
        session is None
        or str(session.user_id) != user_id
        or token.get(CREDENTIALS_CLAIM) != session.user.credentials_version
    ):
        raise AdminSessionEnded()
    return session
