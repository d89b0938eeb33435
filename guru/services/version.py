"""Guru's content version: one counter bumped inside every write's transaction."""

from django.db.models import F

from guru.models import ContentVersion


def content_version_bump() -> None:
    """Call inside the write's transaction. The row lock it takes orders concurrent writes,
    so once version N is visible, every write that bumped to N or below has committed."""
    if not ContentVersion.objects.filter(pk=ContentVersion.SINGLETON_ID).update(
        version=F("version") + 1
    ):
        # The row is made by a migration; a flushed test database has none.
        ContentVersion.objects.get_or_create(
            pk=ContentVersion.SINGLETON_ID, defaults={"version": 2}
        )
