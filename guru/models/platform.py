"""Platform-wide settings: one row, edited by admins, read by SHISHYA."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from guru.models.base import Timestamped


class PlatformSettings(Timestamped):
    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    welcome_credits = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(100_000)], help_text="Credits a new student gets."
    )
    tutor_enabled = models.BooleanField(default=True)
    tutor_daily_question_cap = models.PositiveIntegerField(
        default=50,
        validators=[MaxValueValidator(10_000)],
        help_text="Questions per student per day; 0 stops the tutor for everyone.",
    )
    tutor_model = models.CharField(
        max_length=100, default="gpt-4o-mini", help_text="Model the tutor should use."
    )
    tutor_max_question_length = models.PositiveIntegerField(
        default=2000, validators=[MinValueValidator(1), MaxValueValidator(20_000)]
    )

    class Meta:
        verbose_name_plural = "platform settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="platform_settings_singleton"),
            models.CheckConstraint(
                condition=Q(welcome_credits__gte=0), name="platform_welcome_credits_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(tutor_max_question_length__gte=1),
                name="platform_tutor_max_question_length_gte_1",
            ),
        ]

    def __str__(self) -> str:
        return "Platform settings"


class ContentVersion(models.Model):
    """One counter every Guru write bumps in its own transaction: the student side reads it
    about once a second and revalidates whatever it copied under an older value."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    version = models.BigIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="content_version_singleton"),
        ]

    def __str__(self) -> str:
        return f"Guru content version {self.version}"
