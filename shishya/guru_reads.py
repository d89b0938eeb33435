"""What the student side reads from Guru, as typed objects (shishya.guru_models): each read
goes through the Guru client's transport (copies, freshness, stale fallback, single flight)
and is parsed once here. Nothing past this module sees Guru's JSON.

Raises the transport's GuruNotFound and GuruUnavailable; an answer of the wrong shape is
logged and treated as Guru being unavailable."""

import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from config.errors import ApiError
from shishya.guru_client import COURSES_ROUTE, GuruUnavailable, guru_client
from shishya.guru_models import (
    CertificateRule,
    Course,
    CourseSummary,
    GuruShapeError,
    Lab,
    PlatformSettings,
    Pricing,
    Project,
    Test,
    Voucher,
    parse,
)

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=Hashable)


def _parsed(kind: type[T], data: Any, *, route: str) -> T:
    try:
        return parse(kind, data)
    except GuruShapeError as exc:
        logger.error("guru answered an unexpected shape", extra={"route": route, "error": str(exc)})
        raise GuruUnavailable(details={"retryable": True}) from None


def _parsed_list(kind: type[T], data: Any, *, route: str) -> list[T]:
    if not isinstance(data, list):
        return [_parsed(kind, data, route=route)]  # raises: an object is not a list
    return [_parsed(kind, item, route=route) for item in data]


def courses() -> list[CourseSummary]:
    return _parsed_list(CourseSummary, guru_client().courses(), route="courses")


def catalogue_etag() -> str | None:
    """Guru's ETag of the catalogue while this process's copy of it is current (None when it
    has none): a cheap key for what a caller derives from courses(), a rendered body or an
    index, that changes whenever the catalogue does."""
    return guru_client().fresh_etag(COURSES_ROUTE, kind="catalog")


def course(course_id: int, *, require_fresh: bool = False) -> Course:
    data = guru_client().course(course_id, require_fresh=require_fresh)
    return _parsed(Course, data, route="course")


def course_tests(course_id: int, *, require_fresh: bool = False) -> list[Test]:
    data = guru_client().course_tests(course_id, require_fresh=require_fresh)
    return _parsed_list(Test, data, route="course tests")


def course_labs(course_id: int, *, require_fresh: bool = False) -> list[Lab]:
    data = guru_client().course_labs(course_id, require_fresh=require_fresh)
    return _parsed_list(Lab, data, route="course labs")


def course_projects(course_id: int) -> list[Project]:
    return _parsed_list(Project, guru_client().course_projects(course_id), route="projects")


def certificate_rules(course_id: int, *, require_fresh: bool = False) -> CertificateRule:
    data = guru_client().certificate_rules(course_id, require_fresh=require_fresh)
    return _parsed(CertificateRule, data, route="certificate rules")


def pricing(*, require_fresh: bool = False) -> Pricing:
    return _parsed(Pricing, guru_client().pricing(require_fresh=require_fresh), route="pricing")


def content_version() -> int | None:
    """Guru's content version as confirmed at most GURU_VERSION_MAX_AGE_SECONDS ago; None
    while Guru cannot confirm it."""
    return guru_client().current_version()


def voucher(code: str) -> Voucher:
    """Always fresh: a voucher read grants credits."""
    return _parsed(Voucher, guru_client().voucher(code, require_fresh=True), route="voucher")


def platform_settings(*, require_fresh: bool = False) -> PlatformSettings:
    data = guru_client().platform_settings(require_fresh=require_fresh)
    return _parsed(PlatformSettings, data, route="settings")


@dataclass(frozen=True, slots=True)
class MissingPrice:
    """What it means for an action that Guru lists no price for it: credits to charge
    (0: free), None (the caller goes without a price), or an error to refuse with."""

    credits: int | None = None
    refusal: Callable[[], ApiError] | None = None


# A lab run Guru prices at nothing is free.
FREE = MissingPrice(credits=0)
# The caller decides (the tutor: no price, no charge).
UNPRICED = MissingPrice()


def refuse(refusal: Callable[[], ApiError]) -> MissingPrice:
    """No price is a missing rule: the action is refused with refusal()'s error."""
    return MissingPrice(refusal=refusal)


def action_price(
    action: str, *, when_missing: MissingPrice, directly_chargeable_only: bool = False
) -> int | None:
    """Guru's current credit price of action (never a stale copy: it decides a charge); with
    directly_chargeable_only, a price Guru does not let students charge directly is missing.
    """
    for priced in pricing(require_fresh=True).actions:
        if priced.action == action and (priced.directly_chargeable or not directly_chargeable_only):
            return priced.credits
    if when_missing.refusal is not None:
        raise when_missing.refusal()
    return when_missing.credits
