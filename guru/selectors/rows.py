"""The lookups every admin read shares: one row by id (404 when missing), rows under a parent."""

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import QuerySet

from config.errors import NotFound

M = TypeVar("M", bound=models.Model)


def row_get(queryset: QuerySet[M], pk: int) -> M:
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist:
        raise NotFound(f"No such {queryset.model._meta.verbose_name}.") from None


def rows_in_parent(queryset: QuerySet[M], **parent: int | None) -> QuerySet[M]:
    return queryset.filter(**{name: pk for name, pk in parent.items() if pk is not None})
