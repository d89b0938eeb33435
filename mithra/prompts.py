"""What the model is told: who it is, what the student is studying, the recent turns, the
question. The subject's context comes from mithra.selectors (never any answer material)."""

from openai.types.chat import ChatCompletionMessageParam

from mithra.models import Message
from mithra.selectors import Subject

SYSTEM_PROMPT = """You are Mithra, the tutor of OurShiksha. You help one student with the \
lesson or lab described in the next message.
- Explain the ideas, ask guiding questions, give hints and small examples that differ from \
the exercise, and point to the relevant part of the lesson.
- Never write the complete solution of a lab and never give the answer to a test or quiz \
question: help the student reach it themselves.
- If a question is not about this course, say briefly that you can only help with the course.
- Be concise and use plain language. Format code with Markdown."""


def prompt_messages(
    *, subject: Subject, history: list[Message], question: str
) -> list[ChatCompletionMessageParam]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "system", "content": f"What the student is studying:\n\n{subject.context}"},
        *(_turn(message) for message in history),
        {"role": "user", "content": question},
    ]


def _turn(message: Message) -> ChatCompletionMessageParam:
    if message.role == Message.Role.ASSISTANT:
        return {"role": "assistant", "content": message.content}
    return {"role": "user", "content": message.content}
