"""What every Guru content row shares: timestamps that later ETags derive from."""

from django.db import models


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped on every write; a course's also on every write to anything inside it.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True
