"""The tutor's endpoints (/api/mithra/): ask a question, and the student's own conversations."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponseBase, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.generics import ListAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsStudent, student_of
from config.async_views import AsyncAPIView, connections_release
from config.errors import ApiError
from config.exception_handler import api_exception_handler, error_body
from config.openapi import AutoSchema, ErrorSerializer
from config.ratelimit import rate_limit
from config.serializers import StrictSerializer
from mithra.models import Conversation, Message
from mithra.selectors import conversation_get, conversation_list
from mithra.services import Answered, Prepared, Topic, question_answer, question_prepare
from wallet.idempotency import IdempotentCall, idempotency_key_parameter, student_caller

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY = idempotency_key_parameter(
    "Unique per question (8-200 of letters, digits, . _ : -); a retry with the "
    "same key and body gets the first answer again and is never charged twice."
)
# Beyond the shared statuses (config.openapi): not enough credits (402), a test in progress
# or the same key still being answered (409), the key reused with another body (422), the
# model too slow (504).
# Ids are Guru's and ours: 64-bit, so a larger number is refused as input, not a 500.
MAX_ID = 2**63 - 1
ASK_ERRORS = {(status, "application/json"): ErrorSerializer for status in (402, 409, 422, 504)}


class ConversationOutput(serializers.ModelSerializer):
    class Meta:
        model = Conversation
        ref_name = "TutorConversation"
        fields = ["id", "course_id", "lesson_id", "lab_id", "title", "created_at", "updated_at"]
        read_only_fields = fields


class MessageOutput(serializers.ModelSerializer):
    class Meta:
        model = Message
        ref_name = "TutorMessage"
        fields = ["id", "role", "content", "created_at"]
        read_only_fields = fields


class ConversationDetailOutput(ConversationOutput):
    messages = MessageOutput(many=True, read_only=True)

    class Meta(ConversationOutput.Meta):
        ref_name = "TutorConversationDetail"
        fields = [*ConversationOutput.Meta.fields, "messages"]
        read_only_fields = fields


class EventStreamRenderer(BaseRenderer):
    """Lets a client ask for the answer as Server-Sent Events; the view writes them itself."""

    media_type = "text/event-stream"
    format = "sse"


class JsonOnlySchema(AutoSchema):
    """Errors and the JSON answer are JSON whatever was asked for; the event stream is
    documented on the answer only."""

    def map_renderers(self, attribute: str) -> list[Any]:
        return [getattr(JSONRenderer, attribute)]


STREAM_DESCRIPTION = """With `Accept: text/event-stream`: Server-Sent Events as the model writes.
`event: delta` with `data: {"content": "<the next piece of the answer>"}`, any number; then
exactly one of `event: done` with the JSON answer's body (conversation, question, answer,
credits_charged, balance: charged once, now), or `event: error` with the error envelope
(`{"error": {"code": ..., "message": ...}}`: the model failed or was too slow after the stream
began, or a test attempt started meanwhile; nothing is charged or stored). Refusals come
before any event, as HTTP errors in JSON. A student who disconnects is still answered,
charged and stored: the same Idempotency-Key gets that answer."""

# What the view's first step gives its handler: the request's Idempotency-Key, and either a
# question cleared to be asked or the response already due (a refusal, or a replay).
Begun = tuple[IdempotentCall, Prepared | Response]

# Answers being written, each a task referenced until it ends: an answer whose student has
# gone is still finished, charged and stored, so what was streamed is paid for once.
_answers_running: set[asyncio.Task] = set()


class AskView(AsyncAPIView):
    permission_classes = [IsStudent]
    renderer_classes = [JSONRenderer, EventStreamRenderer]
    schema = JsonOnlySchema()

    class InputSerializer(StrictSerializer):
        class Meta:
            ref_name = "TutorAskInput"

        course_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        lesson_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
        lab_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
        # Guru's tutor settings bound its length; the service checks it.
        question = serializers.CharField(help_text="Not blank; at most Guru's tutor limit.")
        conversation_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("lesson_id" in attrs) == ("lab_id" in attrs):
                raise serializers.ValidationError("Send exactly one of lesson_id and lab_id.")
            return attrs

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TutorAnswer"

        conversation = ConversationOutput()
        question = MessageOutput()
        answer = MessageOutput()
        credits_charged = serializers.IntegerField()
        balance = serializers.IntegerField()

    @extend_schema(
        operation_id="mithra_ask",
        request=InputSerializer,
        responses={
            (200, "application/json"): OutputSerializer,
            (200, "text/event-stream"): OpenApiResponse(
                response=OpenApiTypes.STR, description=STREAM_DESCRIPTION
            ),
            **ASK_ERRORS,
        },
        parameters=[IDEMPOTENCY_KEY],
    )
    async def post(self, request: Request, begun: Begun) -> HttpResponseBase:
        call, prepared = begun
        streamed = request.accepted_renderer.media_type == EventStreamRenderer.media_type
        if isinstance(prepared, Response):  # a refusal, or a replay of what this key got
            if streamed and prepared.status_code == 200:
                return _events_response(_replayed_events(prepared.data), replayed=True)
            return prepared
        if not streamed:
            return Response(await asyncio.shield(_answer_start(prepared=prepared, call=call)))
        return _events_response(_answer_events(prepared=prepared, call=call))

    def begin_post(self, request: Request) -> Begun:
        """Everything before the model, in the thread step of DRF's checks: a replay, a
        refusal (stored for replays as the idempotency rules say), or the question cleared and
        its price held."""
        call = IdempotentCall.of(request, student_caller)
        if replay := call.replay():
            return call, replay
        try:
            rate_limit(
                request,
                group="mithra:ask",
                key=str(student_of(request).pk),
                rate=settings.MITHRA_ASK_RATE,
            )
            data = self.InputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            fields = data.validated_data
            prepared = question_prepare(
                user=student_of(request),
                topic=Topic(
                    course_id=fields["course_id"],
                    lesson_id=fields.get("lesson_id"),
                    lab_id=fields.get("lab_id"),
                ),
                question=fields["question"],
                conversation_id=fields.get("conversation_id"),
                idempotency_key=call.key,
            )
        except (ApiError, APIException) as exc:
            refused = api_exception_handler(exc, {"view": self, "request": request})
            assert refused is not None  # noqa: S101 (the handler renders every ApiError)
            call.store(refused)
            return call, refused
        if isinstance(prepared, Answered):  # answered before; its stored response was lost
            answer = Response(_answer_body(prepared))
            call.store(answer)
            return call, answer
        return call, prepared

    # DRF finalizes any HttpResponseBase (this view streams); its stubs say a Response only.
    def finalize_response(  # type: ignore[override]
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        # Refusals come as JSON before any event, whatever the client accepts.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[arg-type]


def _answer_body(answered: Answered) -> dict[str, Any]:
    return AskView.OutputSerializer(
        {
            "conversation": answered.conversation,
            "question": answered.question,
            "answer": answered.answer,
            "credits_charged": answered.ask.credits,
            "balance": answered.ask.balance_after,
        }
    ).data


def _answer_start(
    *, prepared: Prepared, call: IdempotentCall, on_text: Callable[[str], None] = lambda _: None
) -> "asyncio.Task[dict[str, Any]]":
    """Starts writing the answer in a task of its own, which no disconnect cancels."""
    task = asyncio.create_task(_answer_write(prepared=prepared, call=call, on_text=on_text))
    _answers_running.add(task)
    task.add_done_callback(_answers_running.discard)
    return task


async def _answer_write(
    *, prepared: Prepared, call: IdempotentCall, on_text: Callable[[str], None]
) -> dict[str, Any]:
    # The task inherits the request's thread-sensitive context: its database steps run on the
    # request's thread while the request lasts, and on a thread asgiref makes for the context
    # once a student who left has ended it.
    def answer_store(answered: Answered) -> dict[str, Any]:
        """The answer's body, stored for replays in the charge's own transaction."""
        body = _answer_body(answered)
        call.store(Response(body))
        return body

    return await question_answer(prepared=prepared, on_text=on_text, on_answered=answer_store)


def _events_response(events: AsyncIterator[bytes], *, replayed: bool = False) -> HttpResponseBase:
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy buffering
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return StreamingHttpResponse(events, content_type="text/event-stream", headers=headers)


def _event(name: str, data: Any) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + JSONRenderer().render(data) + b"\n\n"


async def _answer_events(*, prepared: Prepared, call: IdempotentCall) -> AsyncIterator[bytes]:
    # The session middleware may have saved the session after the view returned, in the
    # request's own thread: that connection goes back before the model is waited on.
    await sync_to_async(connections_release, thread_sensitive=True)()
    texts: asyncio.Queue[str | None] = asyncio.Queue()
    task = _answer_start(prepared=prepared, call=call, on_text=texts.put_nowait)
    task.add_done_callback(lambda _: texts.put_nowait(None))
    ended = False
    while not ended:
        pieces = [await texts.get()]
        # Pieces that came while the last event was being sent go out as one event: a busy
        # server sends fewer, larger events rather than falling behind the model.
        while not texts.empty():
            pieces.append(texts.get_nowait())
        ended = pieces[-1] is None
        if text := "".join(piece for piece in pieces if piece is not None):
            yield _event("delta", {"content": text})
    try:
        body = await asyncio.shield(task)
    except ApiError as exc:
        yield _event("error", error_body(exc.code, exc.message, details=exc.details))
        return
    except Exception:
        logger.exception("tutor answer failed")
        yield _event("error", error_body("server_error", "An unexpected error occurred."))
        return
    yield _event("done", body)


async def _replayed_events(body: dict[str, Any]) -> AsyncIterator[bytes]:
    yield _event("delta", {"content": body["answer"]["content"]})
    yield _event("done", body)


class ConversationListView(ListAPIView):
    permission_classes = [IsStudent]
    serializer_class = ConversationOutput

    @extend_schema(operation_id="mithra_conversations")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Conversation]:
        return conversation_list(user=student_of(self.request))


class ConversationDetailView(APIView):
    permission_classes = [IsStudent]

    @extend_schema(operation_id="mithra_conversation", responses=ConversationDetailOutput)
    def get(self, request: Request, conversation_id: int) -> Response:
        conversation = conversation_get(user=student_of(request), conversation_id=conversation_id)
        return Response(ConversationDetailOutput(conversation).data)
