"""Reads of sign-in: the password a pending signup chose, a user's sessions."""

from accounts.models import OtpChallenge, User, UserSession


def signup_pending_password(*, user: User) -> str:
    """The password hash asked for by the user's latest signup, or "" if none is pending."""
    return (
        OtpChallenge.objects.filter(user=user, purpose=OtpChallenge.Purpose.SIGNUP)
        .order_by("-created_at")
        .values_list("pending_password", flat=True)
        .first()
        or ""
    )


def user_session_keys(*, user: User) -> list[str]:
    return list(UserSession.objects.filter(user=user).values_list("session_id", flat=True))
