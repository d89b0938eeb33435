"""Keys SHISHYA (and other servers) read Guru's public API with; stored only as keyed hashes."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from guru.models.base import Timestamped


class ApiKey(Timestamped):
    class Scope(models.TextChoices):
        CATALOG = "catalog", "Read published content, prices and settings"
        GRADING = "grading", "Also read answer keys, solutions and evaluation notes"

    name = models.CharField(max_length=100)
    # Enough of the key to recognise it in a list; the rest exists only with its holder.
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=80, unique=True)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
