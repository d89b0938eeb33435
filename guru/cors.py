"""CORS for Guru's paths, each with its own allowlist (cors-headers serves the student SPA's).

django-cors-headers holds one allowlist, one method list and one credentials flag per process,
while /api/admin/ (admin UI, bearer tokens) and /api/public/ (Shishya, GET only) need their
own; CORS_URLS_REGEX keeps cors-headers off both paths and this middleware answers for them.
No credentials are ever allowed here, and an origin is echoed only on an exact match.
"""

from collections.abc import Callable
from dataclasses import dataclass

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

    def allows(self, origin: str | None, method: str) -> bool:
        origins = getattr(settings, self.origins_setting)
        return origin is not None and origin in origins and method.upper() in self.methods


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
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        policy = next((p for p in POLICIES if request.path_info.startswith(p.path_prefix)), None)
        if policy is None:
            return self.get_response(request)
        origin = request.headers.get("Origin")
        requested_method = request.headers.get("Access-Control-Request-Method")

        if request.method == "OPTIONS" and requested_method:
            # A preflight never reaches a view; a refused one gets no CORS headers.
            response = HttpResponse(status=200)
            if policy.allows(origin, requested_method):
                response["Access-Control-Allow-Origin"] = origin
                response["Access-Control-Allow-Methods"] = ", ".join(policy.methods)
                response["Access-Control-Allow-Headers"] = ", ".join(policy.allow_headers)
                response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
        else:
            response = self.get_response(request)
            if policy.allows(origin, request.method or ""):
                response["Access-Control-Allow-Origin"] = origin
                response["Access-Control-Expose-Headers"] = ", ".join(policy.expose_headers)
        patch_vary_headers(response, ("Origin",))
        return response
