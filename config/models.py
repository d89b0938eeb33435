"""Records of the project-wide plumbing (config is an app only for these)."""

from django.db import models


class SignedCallRecord(models.Model):
    """A system signature already accepted: the unique signature refuses it a second time
    until it expires with its timestamp's window (then purge_idempotency_records deletes it)."""

    signature = models.CharField(max_length=64, primary_key=True)
    key_id = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"signature by {self.key_id} until {self.expires_at:%Y-%m-%d %H:%M:%S}"
