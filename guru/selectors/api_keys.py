"""Reads of Guru's public API keys."""

from django.db.models import QuerySet

from guru.models import ApiKey
from guru.selectors.rows import row_get


def api_key_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.order_by("-id")


def api_key_get(*, key_id: int) -> ApiKey:
    return row_get(ApiKey.objects.all(), key_id)
