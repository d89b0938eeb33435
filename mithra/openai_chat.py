"""OpenAI, through its official SDK: the one module of the project that talks to the model.
Failures become the tutor's domain errors; nothing here logs a prompt, an answer or the key."""

import logging
from dataclasses import dataclass
from functools import lru_cache

import openai
from django.conf import settings

from config.errors import ServiceUnavailable, UnavailableReason, UpstreamTimeout

logger = logging.getLogger(__name__)

# How long a student is told to wait when OpenAI says it is overloaded and names no time.
_DEFAULT_BUSY_RETRY_AFTER = 5
_MAX_BUSY_RETRY_AFTER = 60


class TutorUnavailable(ServiceUnavailable):
    code = "tutor_unavailable"
    message = "The tutor is not available right now."


class TutorBusy(ServiceUnavailable):
    code = "tutor_busy"
    message = "The tutor is busy. Try again in a moment; nothing was charged."
    reason = UnavailableReason.BUSY


class TutorUpstreamError(ServiceUnavailable):
    code = "tutor_upstream_error"
    message = "The tutor could not answer. Try again; nothing was charged."
    reason = UnavailableReason.UPSTREAM_DOWN


class TutorTimeout(UpstreamTimeout):
    code = "tutor_timeout"
    message = "The tutor took too long to answer. Try again; nothing was charged."


@dataclass(frozen=True)
class ChatAnswer:
    content: str
    model: str
    prompt_tokens: int | None
    completion_tokens: int | None


def tutor_configured() -> bool:
    return bool(settings.OPENAI_API_KEY)


@lru_cache(maxsize=4)
def _client(api_key: str, base_url: str, timeout: float, max_retries: int) -> openai.OpenAI:
    """One client per configuration: its connection pool is reused across requests."""
    return openai.OpenAI(
        api_key=api_key,
        base_url=base_url,
        timeout=openai.Timeout(timeout, connect=min(timeout, 5.0)),
        max_retries=max_retries,
    )


def chat_complete(*, model: str, messages: list[dict[str, str]]) -> ChatAnswer:
    """The model's answer to messages (Chat Completions). Raises TutorUnavailable (no key, or
    OpenAI refused our request), TutorBusy (429), TutorTimeout, TutorUpstreamError (5xx,
    connection failure, an empty answer)."""
    if not tutor_configured():
        raise TutorUnavailable(reason=UnavailableReason.NOT_CONFIGURED)
    client = _client(
        settings.OPENAI_API_KEY,
        settings.OPENAI_BASE_URL,
        settings.OPENAI_TIMEOUT_SECONDS,
        settings.OPENAI_MAX_RETRIES,
    )
    try:
        completion = client.chat.completions.create(
            model=model,
            messages=messages,  # type: ignore[arg-type]
            max_completion_tokens=settings.MITHRA_MAX_ANSWER_TOKENS,
        )
    except openai.APITimeoutError:
        logger.warning("openai call timed out", extra={"model": model})
        raise TutorTimeout() from None
    except openai.RateLimitError as exc:
        logger.warning("openai rate limited", extra={"model": model})
        raise TutorBusy(headers={"Retry-After": str(_busy_retry_after(exc))}) from None
    except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
        logger.critical(
            "openai refused the configured OPENAI_API_KEY: check the key and its project",
            extra={"status": exc.status_code},
        )
        raise TutorUnavailable(reason=UnavailableReason.CREDENTIALS_REFUSED) from None
    except openai.APIStatusError as exc:
        if exc.status_code >= 500:
            logger.warning("openai answered an error", extra={"status": exc.status_code})
            raise TutorUpstreamError() from None
        # 400/404/422: our request or the configured model is wrong, not the student's input.
        logger.error(
            "openai refused the request",
            extra={"status": exc.status_code, "model": model, "code": exc.code},
        )
        raise TutorUnavailable(reason=UnavailableReason.REQUEST_REFUSED) from None
    except openai.APIError as exc:  # connection failures, unreadable answers
        logger.warning("openai call failed", extra={"error": type(exc).__name__})
        raise TutorUpstreamError() from None

    choice = completion.choices[0] if completion.choices else None
    content = (choice.message.content or "").strip() if choice is not None else ""
    if not content:
        logger.warning(
            "openai gave an empty answer",
            extra={"finish_reason": choice.finish_reason if choice else None},
        )
        raise TutorUpstreamError()
    usage = completion.usage
    return ChatAnswer(
        content=content,
        model=completion.model or model,
        prompt_tokens=usage.prompt_tokens if usage else None,
        completion_tokens=usage.completion_tokens if usage else None,
    )


def _busy_retry_after(exc: openai.RateLimitError) -> int:
    try:
        seconds = int(float(exc.response.headers.get("retry-after", "")))
    except ValueError:
        return _DEFAULT_BUSY_RETRY_AFTER
    return min(max(seconds, 1), _MAX_BUSY_RETRY_AFTER)
