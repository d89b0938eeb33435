"""What things cost: per-action credit prices, credit packs, plans, vouchers. Integers only."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from config.priced_actions import PricedAction
from guru.models.base import Timestamped
from guru.models.validators import validate_string_list


class ActionPrice(Timestamped):
    """The credits one student action costs, and whether it may be charged directly."""

    # The shared action catalogue: no price for an action the student side does not charge.
    Action = PricedAction

    action = models.CharField(max_length=32, choices=Action.choices, unique=True)
    credits = models.PositiveIntegerField()
    is_chargeable = models.BooleanField(
        default=True, help_text="Whether a student may be charged for this action directly."
    )
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["action"]
        constraints = [
            models.CheckConstraint(condition=Q(credits__gte=0), name="action_price_credits_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.credits} credits"


class CreditPack(Timestamped):
    name = models.CharField(max_length=100, unique=True)
    credits = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    price_paise = models.PositiveIntegerField(validators=[MinValueValidator(100)])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["price_paise", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(credits__gte=1), name="credit_pack_credits_gte_1"),
            models.CheckConstraint(
                condition=Q(price_paise__gte=100), name="credit_pack_price_gte_1_rupee"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Plan(Timestamped):
    class Period(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        YEARLY = "yearly", "Yearly"

    name = models.CharField(max_length=100, unique=True)
    price_paise = models.PositiveIntegerField()
    period = models.CharField(max_length=16, choices=Period.choices)
    features = models.JSONField(default=list, blank=True, validators=[validate_string_list])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["price_paise", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price_paise__gte=0), name="plan_price_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name


class Voucher(Timestamped):
    code = models.CharField(
        max_length=32,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9_-]{3,31}$",
                "4 to 32 letters, digits, '-' or '_'.",
                code="bad_voucher_code",
            )
        ],
        help_text="Stored upper-case; unique regardless of case.",
    )
    credits = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    max_redemptions = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="voucher_code_ci_unique",
                violation_error_message="A voucher with this code already exists.",
            ),
            models.CheckConstraint(condition=Q(credits__gte=1), name="voucher_credits_gte_1"),
            models.CheckConstraint(
                condition=Q(max_redemptions__gte=1), name="voucher_max_redemptions_gte_1"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")),
                name="voucher_window_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.code:
            self.code = self.code.upper()
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": "Must be after valid_from."})
