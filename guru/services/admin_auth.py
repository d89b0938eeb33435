"""Admin sign-in: password, then the emailed OTP, then a server-side session."""

import uuid
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.errors import (
    OtpAttemptsExceeded,
    OtpExpired,
    OtpIncorrect,
    OtpInvalid,
    OtpSuperseded,
    OtpUsed,
    PasswordIncorrect,
)
from accounts.models import OtpChallenge, User
from accounts.otp.services import otp_challenge_send, otp_verify
from config.celery import task_enqueue_after_commit
from config.errors import InvalidInput
from guru.errors import AdminOtpRejected, AdminSessionEnded
from guru.models import AdminSession
from guru.tokens import admin_refresh_token_read

ADMIN_LOGIN_SUBJECT = "OurShiksha Admin Verification Code"
ADMIN_LOGIN_TEMPLATE = "emails/admin_login_otp.txt"
# Idle time is counted in minutes, so last_seen_at need not be written on every request.
SESSION_TOUCH_INTERVAL = timedelta(seconds=60)
_OTP_REFUSALS = (OtpInvalid, OtpIncorrect, OtpExpired, OtpUsed, OtpSuperseded, OtpAttemptsExceeded)


def _user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def _admin_for_credentials(*, email: str, password: str) -> User | None:
    user = _user_by_email(email)
    if user is None:
        # Hash anyway, so an unknown email costs what a wrong password does.
        User().set_password(password)
        return None
    if not user.check_password(password) or not (user.is_active and user.is_admin):
        return None
    return user


def admin_login_start(*, email: str, password: str) -> uuid.UUID:
    """Starts an admin sign-in; returns the id of the challenge whose code is emailed when
    the credentials are an active admin's.

    Right or wrong, the request does the same work, so neither the answer nor its time tells
    them apart (SECURITY.md): one password hash, an id drawn here, and one task queued after
    commit (guru.admin_login_code_send). The task creates the challenge and its email for an
    admin, and nothing for anyone else; a refusal only a real account could meet (the daily
    cap of wrong codes) skips the send and is never told.
    """
    admin = _admin_for_credentials(email=email, password=password)
    challenge_id = uuid.uuid4()
    task_enqueue_after_commit(
        "guru.admin_login_code_send", str(challenge_id), admin.pk if admin else None
    )
    return challenge_id


@transaction.atomic
def admin_login_code_send(*, challenge_id: uuid.UUID, admin_id: int | None) -> bool:
    """Creates the sign-in challenge challenge_id and queues its email, for an admin who is
    still active; True if it did. Running twice creates nothing more (the id is the key)."""
    admin = (
        None
        if admin_id is None
        else User.objects.filter(pk=admin_id, is_active=True, role=User.Role.ADMIN).first()
    )
    if admin is None or OtpChallenge.objects.filter(pk=challenge_id).exists():
        return False
    challenge = otp_challenge_send(
        user=admin,
        purpose=OtpChallenge.Purpose.ADMIN_LOGIN,
        subject=ADMIN_LOGIN_SUBJECT,
        template=ADMIN_LOGIN_TEMPLATE,
        challenge_id=challenge_id,
    )
    return challenge is not None


def admin_login_verify(
    *,
    challenge_id: uuid.UUID,
    email: str,
    otp: str,
    channel: str,
    ip: str = "",
    user_agent: str = "",
) -> AdminSession:
    """Consumes the login OTP and opens an admin session. A refused code raises
    AdminOtpRejected with the OTP service's code; its rate limits (429) pass through.

    Call outside a transaction: a wrong code's count must be committed although it raises.
    """
    user = _user_by_email(email)
    try:
        if user is None or not (user.is_active and user.is_admin):
            raise OtpInvalid()
        otp_verify(
            user=user,
            purpose=OtpChallenge.Purpose.ADMIN_LOGIN,
            code=otp,
            challenge_id=challenge_id,
        )
    except _OTP_REFUSALS as exc:
        raise AdminOtpRejected(exc.message, code=exc.code, details=exc.details) from None
    return _admin_session_open(user=user, channel=channel, ip=ip, user_agent=user_agent)


@transaction.atomic
def _admin_session_open(*, user: User, channel: str, ip: str, user_agent: str) -> AdminSession:
    now = timezone.now()
    # The OTP just reached the admin's inbox: the address is proven.
    User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=now)
    User.objects.filter(pk=user.pk).update(last_login=now)
    return AdminSession.objects.create(
        user=user,
        channel=channel,
        credentials_version=user.credentials_version,
        created_at=now,
        last_seen_at=now,
        ip=ip or None,
        user_agent=user_agent[:256],
    )


def admin_session_touch(*, session: AdminSession, now: datetime | None = None) -> None:
    """Records activity, which keeps the session from going idle."""
    now = now or timezone.now()
    if now - session.last_seen_at >= SESSION_TOUCH_INTERVAL:
        AdminSession.objects.filter(pk=session.pk).update(last_seen_at=now)
        session.last_seen_at = now


def admin_access_token_refresh(*, refresh: str) -> str:
    """A new access token for the refresh token's session, while that session lives."""
    token, session = admin_refresh_token_read(refresh)
    if not (session.user.is_active and session.user.is_admin):
        raise AdminSessionEnded()
    admin_session_touch(session=session)
    return str(token.access_token)


def admin_session_end(*, session: AdminSession, reason: str) -> None:
    """Ends the session at once: its tokens (or site login) stop working on the next request."""
    AdminSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )


@transaction.atomic
def admin_password_set(*, user: User, password: str) -> None:
    """Sets a validated new password and ends every session of the admin."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(fields={"new_password": list(exc.messages)}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    AdminSession.objects.filter(user=user, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=AdminSession.EndReason.PASSWORD_CHANGED
    )


def admin_password_change(*, user: User, current_password: str, new_password: str) -> None:
    """The admin's own password change: proves the current one first."""
    if not user.check_password(current_password):
        raise PasswordIncorrect()
    admin_password_set(user=user, password=new_password)
