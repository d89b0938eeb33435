"""OpenAI, through its official SDK: the one module of the project that talks to the model.
Failures become the tutor's domain errors; nothing here logs a prompt, an answer or the key."""

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import openai
from django.conf import settings
from openai.types.chat import ChatCompletionMessageParam

from config.errors import UnavailableReason
from config.process_caches import register
from mithra.errors import TutorBusy, TutorTimeout, TutorUnavailable, TutorUpstreamError

logger = logging.getLogger(__name__)

# How long a student is told to wait when OpenAI says it is overloaded and names no time.
_DEFAULT_BUSY_RETRY_AFTER = 5
_MAX_BUSY_RETRY_AFTER = 60


@dataclass(frozen=True)
class ChatChunk:
    """A piece of the answer as the model writes it; the last one carries no text, and the
    model's name and token counts instead."""

    text: str
    model: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True)
class ChatAnswer:
    content: str
    model: str
    prompt_tokens: int | None
    completion_tokens: int | None


def tutor_configured() -> bool:
    return bool(settings.OPENAI_API_KEY)


def _client(loop: asyncio.AbstractEventLoop) -> openai.AsyncOpenAI:
    """One client per event loop and configuration: its connection pool is reused across
    requests, and never used from a loop it was not made on (an async pool is bound to its
    loop; a server has one per process, tests start several)."""
    config = (
        settings.OPENAI_API_KEY,
        settings.OPENAI_BASE_URL,
        settings.OPENAI_TIMEOUT_SECONDS,
        settings.OPENAI_MAX_RETRIES,
    )
    clients = _clients.setdefault(loop, {})
    if config not in clients:
        api_key, base_url, timeout, max_retries = config
        clients[config] = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=openai.Timeout(timeout, connect=min(timeout, 5.0)),
            max_retries=max_retries,
            # The SDK's aiohttp transport (its `aiohttp` extra): its C parsers take about a
            # third less CPU a streamed chunk than the default one (bench/README).
            http_client=openai.DefaultAioHttpClient(),
        )
        _close_at_loop_end(loop, clients[config])
    return clients[config]


_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, openai.AsyncOpenAI]]
_clients = register(weakref.WeakKeyDictionary())
_closers: set[asyncio.Task] = set()


def _close_at_loop_end(loop: asyncio.AbstractEventLoop, client: openai.AsyncOpenAI) -> None:
    """aiohttp's session must be closed on the loop it was made on: a task waits for the
    loop's end (asyncio.run, and so uvicorn and asgiref, cancel the tasks left when their loop
    ends) and closes the client then."""

    async def close_when_cancelled() -> None:
        try:
            await loop.create_future()
        finally:
            await client.close()

    closer = loop.create_task(close_when_cancelled())
    _closers.add(closer)
    closer.add_done_callback(_closers.discard)


async def chat_stream(
    *, model: str, messages: list[ChatCompletionMessageParam]
) -> AsyncIterator[ChatChunk]:
    """The model's answer to messages (Chat Completions, streamed), as it is written: text
    chunks, then one last chunk with the model's name and token counts. Raises
    TutorUnavailable (no key, or OpenAI refused our request), TutorBusy (429), TutorTimeout
    (a chunk late by OPENAI_TIMEOUT_SECONDS), TutorUpstreamError (5xx, a broken or unfinished
    stream, an empty answer), before the first chunk or after any."""
    if not tutor_configured():
        raise TutorUnavailable(reason=UnavailableReason.NOT_CONFIGURED)
    client = _client(asyncio.get_running_loop())
    written = False
    finished = False
    try:
        served_model, usage = model, None
        # Closed (its connection given back) however the loop ends.
        async with client.chat.completions.with_streaming_response.create(
            model=model,
            messages=messages,
            max_completion_tokens=settings.MITHRA_MAX_ANSWER_TOKENS,
            stream=True,
            stream_options={"include_usage": True},
        ) as response:
            # The SDK's stream (its event parsing, [DONE], errors sent as events), each chunk
            # left as the JSON object it came as: building the SDK's typed chunk cost more CPU
            # than the rest of a piece's way to the student, for the three fields read here.
            stream = await response.parse(to=openai.AsyncStream[object])
            async for data in stream:
                chunk: dict[str, Any] = data if isinstance(data, dict) else {}
                served_model = chunk.get("model") or served_model
                usage = chunk.get("usage") or usage
                for choice in chunk.get("choices") or ():
                    if text := (choice.get("delta") or {}).get("content"):
                        written = True
                        yield ChatChunk(text=text)
                    finished = finished or choice.get("finish_reason") is not None
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
    except openai.APIError as exc:  # connection failures, a stream broken or unreadable
        logger.warning("openai call failed", extra={"error": type(exc).__name__})
        raise TutorUpstreamError() from None
    if not written or not finished:
        logger.warning(
            "openai gave an empty or unfinished answer",
            extra={"written": written, "finished": finished},
        )
        raise TutorUpstreamError()
    yield ChatChunk(
        text="",
        model=served_model,
        prompt_tokens=usage.get("prompt_tokens") if usage else None,
        completion_tokens=usage.get("completion_tokens") if usage else None,
    )


def _busy_retry_after(exc: openai.RateLimitError) -> int:
    try:
        seconds = int(float(exc.response.headers.get("retry-after", "")))
    except ValueError:
        return _DEFAULT_BUSY_RETRY_AFTER
    return min(max(seconds, 1), _MAX_BUSY_RETRY_AFTER)
