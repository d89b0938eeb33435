"""CORS for Guru's paths, each with its own allowlist (cors-headers serves the student SPA's).

django-cors-headers holds one allowlist, one method list and one credentials flag per process,
while /api/admin/ (admin UI, bearer tokens) and /api/public/ (Shishya, GET only) need their
own; CORS_URLS_REGEX keeps cors-headers off both paths and this middleware answers for them.
No credentials are ever allowed here, and an origin is echoed only on an exact match.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

PREFLIGHT_MAX_AGE_SECONDS = 600


@dataclass(frozen=True)
class CorsPolicy:
    path_prefix: str
    origins_setting: str
    methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]

    def allows(self, origin: str, method: str) -> bool:
        origins = getattr(settings, self.origins_setting)
        return origin in origins and method.upper() in self.methods


POLICIES = (
    CorsPolicy(
        path_prefix="/api/admin/",
        origins_setting="GURU_ADMIN_ORIGINS",
        methods=("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"),
        allow_headers=("accept", "authorization", "content-type", "idempotency-key"),
        expose_headers=("retry-after", "x-request-id"),
    ),
    CorsPolicy(
        path_prefix="/api/public/",
        origins_setting="GURU_PUBLIC_ORIGINS",
        methods=("GET", "HEAD", "OPTIONS"),
        allow_headers=("accept", "if-none-match", "x-api-key"),
        expose_headers=("etag", "retry-after", "x-request-id"),
    ),
)


class GuruCorsMiddleware:
    # Both modes: under ASGI a sync-only middleware would run every request in a thread.
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if iscoroutinefunction(self.get_response):
            return self._acall(request)
        policy = _policy(request)
        if policy is None:
            return self.get_response(request)
        if preflight := _preflight(request, policy):
            return preflight
        return _cors_headers_add(request, policy, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        policy = _policy(request)
        if policy is None:
            return await self.get_response(request)  # type: ignore[misc]
        if preflight := _preflight(request, policy):
            return preflight
        response = await self.get_response(request)  # type: ignore[misc]
        return _cors_headers_add(request, policy, response)


def _policy(request: HttpRequest) -> CorsPolicy | None:
    return next((p for p in POLICIES if request.path_info.startswith(p.path_prefix)), None)


def _preflight(request: HttpRequest, policy: CorsPolicy) -> HttpResponse | None:
    """The answer to a preflight, which never reaches a view (a refused one gets no CORS
    headers); None for any other request."""
    requested_method = request.headers.get("Access-Control-Request-Method")
    if request.method != "OPTIONS" or not requested_method:
        return None
    origin = request.headers.get("Origin")
    response = HttpResponse(status=200)
    if origin is not None and policy.allows(origin, requested_method):
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Methods"] = ", ".join(policy.methods)
        response["Access-Control-Allow-Headers"] = ", ".join(policy.allow_headers)
        response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
    patch_vary_headers(response, ("Origin",))
    return response


def _cors_headers_add(
    request: HttpRequest, policy: CorsPolicy, response: HttpResponse
) -> HttpResponse:
    origin = request.headers.get("Origin")
    if origin is not None and policy.allows(origin, request.method or ""):
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Expose-Headers"] = ", ".join(policy.expose_headers)
    patch_vary_headers(response, ("Origin",))
    return response
