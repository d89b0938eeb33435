"""Identity shared by both systems: users (students and admins), their OTP challenges and
the student sessions each user holds."""

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields["role"] = User.Role.ADMIN
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser):
    class Role(models.TextChoices):
        STUDENT = "STUDENT", "Student"
        ADMIN = "ADMIN", "Admin"

    class PortfolioVisibility(models.TextChoices):
        PRIVATE = "private", "Only me"
        PUBLIC = "public", "Anyone with the link"

    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)
    is_active = models.BooleanField(default=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Bumped whenever a credential field changes (CREDENTIAL_FIELDS): every session and token
    # carries the version it was opened under, and stops working when it differs. save()
    # bumps it; on PostgreSQL a trigger bumps it for any other write (a queryset update, SQL).
    credentials_version = models.PositiveIntegerField(default=1, editable=False)

    # The student's public profile. Usernames are stored lowercased.
    username = models.CharField(max_length=30, unique=True, null=True, blank=True)
    headline = models.CharField(max_length=120, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    links = models.JSONField(default=list, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    portfolio_visibility = models.CharField(
        max_length=16, choices=PortfolioVisibility.choices, default=PortfolioVisibility.PRIVATE
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    # Changing any of these ends every session of the account, admin and student alike.
    CREDENTIAL_FIELDS = ("email", "password", "role", "is_active")

    def __str__(self) -> str:
        return self.email

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> "User":
        user = super().from_db(db, field_names, values)
        user._saved_credentials = user._credentials()
        return user

    def _credentials(self) -> dict[str, Any]:
        # Only fields already loaded: reading a deferred one would cost a query.
        names = (*self.CREDENTIAL_FIELDS, "credentials_version")
        return {name: self.__dict__[name] for name in names if name in self.__dict__}

    def save(self, *args: Any, **kwargs: Any) -> None:
        saved = getattr(self, "_saved_credentials", {})
        update_fields = kwargs.get("update_fields")
        changed = any(
            name in saved
            and self.__dict__.get(name) != saved[name]
            and (update_fields is None or name in update_fields)
            for name in self.CREDENTIAL_FIELDS
        )
        # Unless the writer bumped it already (as the trigger does on PostgreSQL).
        if changed and self.credentials_version == saved.get("credentials_version"):
            self.credentials_version += 1
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "credentials_version"}
        super().save(*args, **kwargs)
        self._saved_credentials = self._credentials()

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """What Django keeps in a session at login and compares on every request (a mismatch
        ends the session): the password hash, as Django's own, and the credentials version,
        so any credential change ends every Django session (students', the admin site's)."""
        return salted_hmac(
            "accounts.User.session_auth_hash",
            f"{self.credentials_version}:{self.password}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    # The Django admin site asks for these; only active admins are staff.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.is_admin

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff


class OtpChallenge(models.Model):
    """One emailed one-time code: bound to a user, a purpose and this challenge's id."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", "Verify email at signup"
        ADMIN_LOGIN = "admin_login", "Admin login"
        PASSWORD_RESET = "password_reset", "Password reset"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="otp_challenges")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    # Which OTP_CODE_KEYS version the code is derived under (accounts.otp.codes); the code
    # itself is stored nowhere.
    code_key_version = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    # A signup's chosen password (hashed) and name, applied only when this challenge is
    # verified: a stranger's signup for the same email cannot choose the owner's.
    pending_password = models.CharField(max_length=128, blank=True)
    pending_name = models.CharField(max_length=150, blank=True)
    # A keyed hash of the network that asked for a student's code: wrong codes count towards
    # the daily cap per (account, source), so a stranger's guesses never use up the owner's.
    # Blank for admin sign-in, whose cap stays per account (only the password starts it).
    source = models.CharField(max_length=80, blank=True, default="")
    # When its email was delivered (the outbox marks it): until then the code the user
    # already holds stays the one that counts.
    delivered_at = models.DateTimeField(null=True, blank=True)
    consumed_at = models.DateTimeField(null=True, blank=True)
    # Superseded by a newer challenge for the same user and purpose (admin sign-in), or by
    # another browser's completed signup.
    revoked_at = models.DateTimeField(null=True, blank=True)

    # Purposes whose delivered code revokes the user's older ones. A student's codes are
    # bound to the browser that asked (accounts.student_codes): a stranger's delivered signup code
    # must not end the owner's, so there the browser's newest delivered code counts instead.
    SUPERSEDED_ON_DELIVERY = frozenset({Purpose.ADMIN_LOGIN})

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} challenge {self.id}"


class OutboxEmail(models.Model):
    """One email, recorded in the transaction that causes it and sent after commit by a
    worker. Its id is Resend's idempotency key: however often it is tried (a retry, a
    redelivered task, beat picking up a row a killed worker left), it is delivered once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        EXPIRED = "expired", "Not sent: its code expired or was replaced first"
        FAILED = "failed", "Not sent: refused by the provider, or too old to try again"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    template = models.CharField(max_length=100)
    # What the template needs besides the code: never a secret.
    context = models.JSONField(default=dict, blank=True)
    # A code email: the code is derived from this challenge when the email is sent.
    otp_challenge = models.ForeignKey(
        OtpChallenge, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set for code emails only: when the code expires, after which the email is never sent.
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A worker sending it holds it until then; past it, beat hands the row to another.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    # Why it was not sent: the provider's error type or our reason, never a message body.
    last_error = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"email {self.id} ({self.status})"


class UserSession(models.Model):
    """Which user a student session belongs to, written at login, so that "end my other
    sessions" is one indexed lookup. Deleting the session (logout, expiry purged by
    clearsessions) deletes this row with it."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"session of user {self.user_id}"
