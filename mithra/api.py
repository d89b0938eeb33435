"""The tutor's endpoints (/api/mithra/): ask a question, and the student's own conversations."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsStudent
from config.openapi import ErrorSerializer
from config.ratelimit import rate_limit
from config.serializers import StrictSerializer
from mithra.models import Conversation, Message
from mithra.selectors import conversation_get, conversation_list
from mithra.services import Topic, question_ask
from wallet.idempotency import idempotency_key_parameter, idempotent, student_caller

IDEMPOTENCY_KEY = idempotency_key_parameter(
    "Unique per question (8-200 of letters, digits, . _ : -); a retry with the "
    "same key and body gets the first answer again and is never charged twice."
)
# Beyond the shared statuses (config.openapi): not enough credits (402), a test in progress
# or the same key still being answered (409), the key reused with another body (422), the
# model too slow (504).
# Ids are Guru's and ours: 64-bit, so a larger number is refused as input, not a 500.
MAX_ID = 2**63 - 1
ASK_ERRORS = {
    402: ErrorSerializer,
    409: ErrorSerializer,
    422: ErrorSerializer,
    504: ErrorSerializer,
}


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


class AskView(APIView):
    permission_classes = [IsStudent]

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
        responses={200: OutputSerializer, **ASK_ERRORS},
        parameters=[IDEMPOTENCY_KEY],
    )
    # The ask commits its hold before the model call and confirms after: never one transaction.
    @idempotent(student_caller, atomic=False)
    def post(self, request: Request) -> Response:
        rate_limit(
            request, group="mithra:ask", key=str(request.user.pk), rate=settings.MITHRA_ASK_RATE
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        answered = question_ask(
            user=request.user,
            topic=Topic(
                course_id=fields["course_id"],
                lesson_id=fields.get("lesson_id"),
                lab_id=fields.get("lab_id"),
            ),
            question=fields["question"],
            conversation_id=fields.get("conversation_id"),
            idempotency_key=request.headers["Idempotency-Key"],
        )
        return Response(
            self.OutputSerializer(
                {
                    "conversation": answered.conversation,
                    "question": answered.question,
                    "answer": answered.answer,
                    "credits_charged": answered.ask.credits,
                    "balance": answered.ask.balance_after,
                }
            ).data
        )


class ConversationListView(ListAPIView):
    permission_classes = [IsStudent]
    serializer_class = ConversationOutput

    @extend_schema(operation_id="mithra_conversations")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return conversation_list(user=self.request.user)


class ConversationDetailView(APIView):
    permission_classes = [IsStudent]

    @extend_schema(operation_id="mithra_conversation", responses=ConversationDetailOutput)
    def get(self, request: Request, conversation_id: int) -> Response:
        conversation = conversation_get(user=request.user, conversation_id=conversation_id)
        return Response(ConversationDetailOutput(conversation).data)
