"""Credits: one wallet per student and its append-only ledger."""

from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router
from django.utils import timezone


class WalletManager(models.Manager["Wallet"]):
    def change_balance(self, *, user_id: int, amount: int) -> tuple[int, int] | None:
        """Adds amount (negative: takes) to the user's balance unless that would take it below
        zero, in one statement that also holds the row lock until the transaction ends.
        Returns (wallet id, new balance), or None when there is no wallet or too little."""
        connection = connections[router.db_for_write(self.model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE wallet_wallet SET balance = balance + %s, updated_at = %s "
                "WHERE user_id = %s AND balance + %s >= 0 RETURNING id, balance",
                [amount, now, user_id, amount],
            )
            row = cursor.fetchone()
        return (row[0], row[1]) if row is not None else None


class Wallet(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="wallet"
    )
    balance = models.BigIntegerField(default=0)
    # When the welcome credits were granted, or found to be zero: no need to ask Guru again.
    welcome_settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WalletManager()

    class Meta:
        constraints = [
            # The last line of defence: services check first, the database refuses anyway.
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="wallet_balance_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"wallet of user {self.user_id}: {self.balance}"


class ImmutableRowError(Exception):
    """A ledger row was about to be changed or removed; corrections are new rows."""


class LedgerEntryManager(models.Manager["LedgerEntry"]):
    def create_once(self, **values: Any) -> "LedgerEntry | None":
        """Inserts the entry unless its wallet already has one with its idempotency key, and
        then inserts nothing and returns None. ON CONFLICT DO NOTHING raises no error, so the
        caller's transaction goes on without a savepoint to roll back to."""
        entry = self.model(**values, created_at=timezone.now())
        using = router.db_for_write(self.model)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO wallet_ledgerentry (wallet_id, amount, balance_after, kind, "
                "reference, idempotency_key, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (wallet_id, idempotency_key) DO NOTHING RETURNING id",
                [
                    entry.wallet_id,
                    entry.amount,
                    entry.balance_after,
                    entry.kind,
                    entry.reference,
                    entry.idempotency_key,
                    connection.ops.adapt_datetimefield_value(entry.created_at),
                ],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        entry.pk = row[0]
        entry._state.adding = False
        entry._state.db = using
        return entry


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        WELCOME = "welcome", "Welcome credits"
        PURCHASE = "purchase", "Purchase"
        VOUCHER = "voucher", "Voucher"
        DEDUCTION = "deduction", "Deduction"
        REFUND = "refund", "Refund"
        ADMIN_GRANT = "admin_grant", "Admin grant"
        REVERSAL = "reversal", "Reversal"

    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField(help_text="Credits: positive adds, negative takes.")
    balance_after = models.BigIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reference = models.CharField(max_length=200)
    idempotency_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerEntryManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wallet", "idempotency_key"], name="ledger_entry_once_per_key"
            ),
            models.UniqueConstraint(
                fields=["wallet"],
                condition=models.Q(kind="welcome"),
                name="ledger_one_welcome_per_wallet",
            ),
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0), name="ledger_balance_after_non_negative"
            ),
        ]
        indexes = [models.Index(fields=["wallet", "-created_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount:+d} -> {self.balance_after}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRowError("ledger entries are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableRowError("ledger entries are never deleted")


_RECORD_INSERT = (
    'INSERT INTO wallet_idempotencyrecord (caller, "key", request_fingerprint, '
    "response_status, response_body, created_at) VALUES (%s, %s, %s, %s, %s, %s)"
)
_RECORD_INSERT_KEEPING_FIRST = _RECORD_INSERT + ' ON CONFLICT (caller, "key") DO NOTHING'


class IdempotencyRecordManager(models.Manager["IdempotencyRecord"]):
    def store(
        self,
        *,
        caller: str,
        key: str,
        request_fingerprint: str,
        status: int,
        body: Any,
        keep_first: bool = False,
    ) -> None:
        """Inserts the record in one plain statement (it is on every charge's path, where the
        ORM's insert costs more than the statement); if the key has one already,
        IntegrityError, or with keep_first nothing (the first stays, and the caller's
        transaction goes on without a savepoint)."""
        connection = connections[router.db_for_write(self.model)]
        body_field = self.model._meta.get_field("response_body")
        with connection.cursor() as cursor:
            cursor.execute(
                _RECORD_INSERT_KEEPING_FIRST if keep_first else _RECORD_INSERT,
                [
                    caller,
                    key,
                    request_fingerprint,
                    status,
                    body_field.get_db_prep_save(body, connection),
                    connection.ops.adapt_datetimefield_value(timezone.now()),
                ],
            )


class IdempotencyRecord(models.Model):
    """The response one caller's Idempotency-Key got, bound to the request it came with; it is
    written in the same transaction as the request's effect, and replayed to every retry."""

    caller = models.CharField(max_length=64)
    key = models.CharField(max_length=200)
    request_fingerprint = models.CharField(max_length=64, help_text="sha256 of method, path, body")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IdempotencyRecordManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["caller", "key"], name="idempotency_key_once_per_caller"
            )
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.caller} {self.key} -> {self.response_status}"


class VoucherRedemption(models.Model):
    """A student redeemed a Guru voucher: at most once per student and code."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="voucher_redemptions"
    )
    code = models.CharField(max_length=64, help_text="Upper-cased voucher code.")
    credits = models.PositiveIntegerField()
    ledger_entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code"], name="voucher_once_per_student")
        ]

    def __str__(self) -> str:
        return f"{self.code} by user {self.user_id}"


class VoucherUsage(models.Model):
    """How often a code was redeemed: the row locked to keep redemptions within Guru's max."""

    code = models.CharField(max_length=64, primary_key=True)
    redemptions = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.code}: {self.redemptions}"
