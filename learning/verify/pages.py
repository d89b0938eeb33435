"""Verification pages for people (HTML from templates/verify/): what a certificate's QR code
and link open. The same limit and the same facts as the JSON endpoints."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.errors import ApiError, RateLimited
from learning.marksheet.grades import CLASSIFICATION_LABELS
from learning.verify.limits import verify_rate_limit
from learning.verify.selectors import certificate_verification_get, marksheet_verification_get


def _page_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    response = render(
        request,
        "verify/unavailable.html",
        {"message": error.message, "rate_limited": isinstance(error, RateLimited)},
        status=error.status_code,
    )
    for header, value in error.headers.items():
        response[header] = value
    return response


@require_GET
def certificate_page(request: HttpRequest, certificate_id: str) -> HttpResponse:
    try:
        verify_rate_limit(request)
        public = certificate_verification_get(certificate_id=certificate_id)
    except ApiError as error:
        return _page_error(request, error)
    status = 410 if public["status"] == "revoked" else 200
    return render(request, "verify/certificate.html", {"certificate": public}, status=status)


@require_GET
def marksheet_page(request: HttpRequest, verification_id: str) -> HttpResponse:
    try:
        verify_rate_limit(request)
        public = marksheet_verification_get(verification_id=verification_id)
    except ApiError as error:
        return _page_error(request, error)
    label = CLASSIFICATION_LABELS.get(public["classification"] or "", "")
    return render(
        request, "verify/marksheet.html", {"marksheet": public, "classification_label": label}
    )
