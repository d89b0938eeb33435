"""Walking the URL configuration: a concrete path for every route, so tests that must cover
every route cover the ones added later without being edited."""

import re
import uuid
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

_CANDIDATE_VALUES = ("1", str(uuid.uuid4()), "x")
_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def _fill(piece: str, is_route: bool, value: str) -> str:
    def param(match: re.Match) -> str:
        if match.group(1) == "format":
            return "json"
        # A group of literal alternatives (the admin site's app labels): the first one.
        body = match.group(0)[match.group(0).index(">") + 1 : -1]
        return body.split("|")[0] if re.fullmatch(r"\w+(\|\w+)*", body) else value

    if is_route:
        return _ROUTE_PARAM.sub(param, piece)
    filled = _REGEX_GROUP.sub(param, piece)
    filled = filled.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    return filled.replace("/?", "/").replace("\\", "")


def _walk(patterns, prefix=()) -> Iterator[tuple[tuple, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, (*prefix, pattern.pattern))
        else:
            yield (*prefix, pattern.pattern), pattern


def route_of(pieces: tuple) -> str:
    """The route as written in the URL configuration, e.g. "api/wallet/add"."""
    return "".join(str(piece) for piece in pieces)


def url_routes(
    urlconf: str | None = None, *, under: str = "/"
) -> Iterator[tuple[tuple, str | None, URLPattern]]:
    """(the pattern's pieces, a concrete path that reaches it or None, the pattern) for every
    route whose path starts with under."""
    for pieces, pattern in _walk(get_resolver(urlconf).url_patterns):
        found = None
        for value in _CANDIDATE_VALUES:
            path = "/" + "".join(_fill(str(p), isinstance(p, RoutePattern), value) for p in pieces)
            if not path.startswith(under):
                break
            try:
                if resolve(path, urlconf).func is pattern.callback:
                    found = path
                    break
            except Resolver404:
                continue
        else:
            yield pieces, None, pattern
            continue
        if found is not None:
            yield pieces, found, pattern


def methods_of(pattern: URLPattern) -> list[str]:
    callback = pattern.callback
    if getattr(callback, "actions", None):  # a DRF viewset
        return sorted(callback.actions)
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return ["get", "post"]
    return [
        m
        for m in view_class.http_method_names
        if m not in {"options", "head"} and hasattr(view_class, m)
    ]
