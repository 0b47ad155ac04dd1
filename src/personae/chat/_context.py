"""The prompt of one chat turn, kept under a token budget.

Tokens are *estimated* (:func:`count_tokens`): words and punctuation marks times
4/3, plus 4 per message for the role markers. Sub-word tokenizers of current models
produce about 1.3 tokens per English word, so the estimate errs on the high side, and
the budget is never exceeded by the estimate's own count (the test asserts that).

What is cut first when the prompt is too long: the lowest-ranked memories, then the
oldest messages. The system prompt (persona and traits) and the user's new message are
always kept; if those alone exceed the budget, the system prompt's tail is cut.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from personae.llm import Message

__all__ = [
    "MESSAGE_OVERHEAD",
    "PromptParts",
    "build_prompt",
    "count_message_tokens",
    "count_tokens",
]

MESSAGE_OVERHEAD = 4
"""Estimated tokens each message costs beyond its text (role and separators)."""

_PIECE = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """Estimated tokens of ``text``: ⌈4/3 × (words + punctuation marks)⌉."""
    return math.ceil(len(_PIECE.findall(text)) * 4 / 3)


def count_message_tokens(messages: Sequence[Message]) -> int:
    """Estimated tokens of a whole conversation."""
    return sum(count_tokens(m.content) + MESSAGE_OVERHEAD for m in messages)


@dataclass(frozen=True, slots=True)
class PromptParts:
    """The prompt that was built and what had to be left out to fit it."""

    messages: list[Message]
    tokens: int
    memories_used: list[int]
    dropped_memories: int
    dropped_messages: int


def _cut(text: str, tokens: int) -> str:
    pieces = list(_PIECE.finditer(text))
    keep = max(0, math.floor(tokens * 3 / 4))
    if len(pieces) <= keep:
        return text
    if keep == 0:
        return ""
    return text[: pieces[keep - 1].end()]


def build_prompt(
    *,
    system: str,
    memories: Sequence[tuple[int, str]],
    history: Sequence[Message],
    user_message: str,
    budget: int,
) -> PromptParts:
    """System prompt + memories (best first) + history (oldest first) + the new message,
    within ``budget`` estimated tokens."""
    kept_memories = list(memories)
    kept_history = list(history)

    def assemble(system_text: str) -> list[Message]:
        text = system_text
        if kept_memories:
            text += "\n\nWhat you remember about this user (most relevant first):\n" + "\n".join(
                f"- {memory}" for _, memory in kept_memories
            )
        return [Message.system(text), *kept_history, Message.user(user_message)]

    dropped_memories = dropped_messages = 0
    messages = assemble(system)
    while count_message_tokens(messages) > budget and (kept_memories or kept_history):
        if kept_memories:
            kept_memories.pop()
            dropped_memories += 1
        else:
            kept_history.pop(0)
            dropped_messages += 1
        messages = assemble(system)
    total = count_message_tokens(messages)
    if total > budget:
        room = budget - (count_tokens(user_message) + 2 * MESSAGE_OVERHEAD)
        system_text = _cut(system, max(0, room)) or "."  # a message is never empty
        user_text = user_message
        if count_tokens(system_text) > room:  # the system's placeholder costs tokens too
            user_room = budget - 2 * MESSAGE_OVERHEAD - count_tokens(system_text)
            user_text = _cut(user_message, max(0, user_room))
        messages = [Message.system(system_text), Message.user(user_text or ".")]
        total = count_message_tokens(messages)
    return PromptParts(
        messages=messages,
        tokens=total,
        memories_used=[memory_id for memory_id, _ in kept_memories],
        dropped_memories=dropped_memories,
        dropped_messages=dropped_messages,
    )
