"""Sending signed system calls through Django's test client."""


def as_meta(headers: dict[str, str]) -> dict[str, str]:
    """Request headers as the test client takes them (X-Signature -> HTTP_X_SIGNATURE)."""
    return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
