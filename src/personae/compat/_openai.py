"""A persona turn in the OpenAI chat API's terms: the client keeps the conversation.

An OpenAI client (the ``openai`` SDK, SillyTavern, Open WebUI, LangChain) sends the whole
conversation every time, system messages and ``name`` fields included, and names a
*model*: here, one of the caller's personas. :class:`OpenAIChat` turns that into one
:class:`~personae.chat.ChatService` turn, so the reply is the persona's (its system
prompt, traits and memories come first, then every message the client sent, verbatim)
and the turn is stored, learnt from and remembered as any other chat turn.

Which stored session a request continues (memory, history, summaries):

1. the request's ``user`` field, when given;
2. else a session header the client sets (``X-Session-Id``);
3. else a fingerprint of the conversation so far: the session that produced the
   conversation the client now resends (every message before its new one) is continued,
   so a client that resends the history continues one session instead of starting a
   new one per request.

The key → session map lives in the app's cache (a week, renewed on use); without a cache,
or after it forgets, a new session starts — the persona's long-term memories, which are
kept per persona and owner, are recalled either way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from personae.cache import Cache
from personae.chat import ChatResponse, ChatService, TurnPlan, count_message_tokens, count_tokens
from personae.compat._voices import VoiceService
from personae.errors import ChatSessionNotFoundError, InputError, PersonaeError
from personae.llm import Message
from personae.usage import UsageService

__all__ = ["ClientMessage", "OpenAIChat", "ReplyScore", "Turn", "TurnResult"]

SESSION_TTL_SECONDS = 7 * 24 * 3600.0
"""How long a conversation key stays tied to its stored session after its last turn."""


@dataclass(frozen=True, slots=True)
class ClientMessage:
    """One message as an OpenAI client sent it (text only; ``name`` optional)."""

    role: str
    content: str
    name: str | None = None

    def as_message(self) -> Message:
        """The message the model sees: a ``name`` is kept as a ``name: `` prefix (the
        providers personae speaks to have no common name field); ``developer`` is a
        system message and a tool's answer a user message that says so."""
        text = f"{self.name}: {self.content}" if self.name else self.content
        if self.role in ("system", "developer"):
            return Message.system(text)
        if self.role == "assistant":
            return Message.assistant(text)
        if self.role in ("tool", "function"):
            return Message.user(f"[tool result] {text}")
        return Message.user(text)


@dataclass(frozen=True, slots=True)
class ReplyScore:
    """The ``personae.score`` extension: how well the reply matches the persona's voice."""

    score: float | None
    typicality: float | None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """A prepared turn: the chat plan and what the client asked for."""

    plan: TurnPlan
    model: str
    messages: tuple[ClientMessage, ...]
    conversation_key: str | None
    score: bool


@dataclass(frozen=True, slots=True)
class TurnResult:
    """A finished turn: the reply, its token counts and, when asked, its score."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str
    session_id: int
    score: ReplyScore | None


def _json_instruction(schema: dict[str, Any] | None) -> list[Message]:
    """A last system message asking for JSON (``response_format``): the provider is also
    handed the schema, and constrains its output to it where it can."""
    if schema is None:
        return []
    shape = (
        "" if schema == {"type": "object"} else f" following this JSON Schema: {json.dumps(schema)}"
    )
    return [Message.system(f"Answer with one JSON object only{shape}. No other text.")]


def _fingerprint(owner_id: int, persona_id: int, messages: Sequence[ClientMessage]) -> str:
    material = [[m.role, m.name or "", m.content.strip()] for m in messages]
    encoded = json.dumps([owner_id, persona_id, material], ensure_ascii=False)
    return "fp:" + hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _cache_key(owner_id: int, persona_id: int, key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return f"openai-session:{owner_id}:{persona_id}:{digest}"


class OpenAIChat:
    """Chat completions as a persona, over :class:`~personae.chat.ChatService`.

    Parameters
    ----------
    chat
        The chat service (model factory, memory, budgets).
    voices
        Finds personas by name and scores replies.
    cache
        Where conversation keys map to stored sessions.
    usage
        Checked before a turn starts (a spent monthly budget is a 429 before any stream).

    Examples
    --------
    >>> api = OpenAIChat(chat, voices, cache)  # doctest: +SKIP
    >>> turn = api.prepare(owner_id=1, model="ada",
    ...                    messages=[ClientMessage("user", "Hello")])  # doctest: +SKIP
    >>> api.complete(turn).text  # doctest: +SKIP
    'Hello! I am Ada.'
    """

    def __init__(
        self,
        chat: ChatService,
        voices: VoiceService,
        cache: Cache,
        *,
        usage: UsageService | None = None,
    ) -> None:
        self.chat = chat
        self.voices = voices
        self.cache = cache
        self.usage = usage

    def prepare(
        self,
        *,
        owner_id: int,
        model: str,
        messages: Sequence[ClientMessage],
        user: str | None = None,
        session_header: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        stop: Sequence[str] = (),
        seed: int | None = None,
        score: bool = False,
        json_schema: dict[str, Any] | None = None,
    ) -> Turn:
        """Find the persona and the session, store the new message, build the prompt.

        Raises
        ------
        PersonaNotFoundError
            ``model`` names none of the caller's personas.
        InputError
            No user message, or one the chat refuses (empty, too long).
        """
        if self.usage is not None:  # before anything: a stream's 200 cannot become a 429
            self.usage.check(owner_id=owner_id)
        persona = self.voices.find(owner_id=owner_id, persona=model)
        last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
        if last_user is None:
            raise InputError("messages hold no user message to answer", field="messages")
        key: str | None
        if user:
            key = f"user:{user}"
        elif session_header:
            key = f"header:{session_header}"
        else:
            key = None
        lookup = key or _fingerprint(owner_id, persona.id, messages[:last_user])
        session_id = self._session_for(owner_id, persona.id, lookup)
        prepare = partial(
            self.chat.prepare,
            owner_id=owner_id,
            message=messages[last_user].content,
            persona_id=persona.id,
            transcript=[m.as_message() for m in messages] + _json_instruction(json_schema),
            max_tokens=max_tokens,
            temperature=temperature,
            stop=stop,
            seed=seed,
            json_schema=json_schema,
        )
        try:
            plan = prepare(session_id=session_id)
        except ChatSessionNotFoundError:  # the session was deleted since: start a new one
            plan = prepare(session_id=None)
        return Turn(
            plan=plan,
            model=persona.name,
            messages=tuple(messages),
            conversation_key=key,
            score=score,
        )

    def _session_for(self, owner_id: int, persona_id: int, key: str) -> int | None:
        stored = self.cache.get(_cache_key(owner_id, persona_id, key))
        if stored is None:
            return None
        try:
            return int(stored.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            return None

    def _remember_session(self, turn: Turn, reply: str) -> None:
        plan = turn.plan
        key = turn.conversation_key or _fingerprint(
            plan.owner_id,
            plan.persona_id,
            [*turn.messages, ClientMessage("assistant", reply)],
        )
        self.cache.set(
            _cache_key(plan.owner_id, plan.persona_id, key),
            str(plan.session_id).encode("ascii"),
            ttl=SESSION_TTL_SECONDS,
        )

    def _score(self, turn: Turn, text: str) -> ReplyScore | None:
        if not turn.score:
            return None
        try:
            match = self.voices.match(
                owner_id=turn.plan.owner_id, persona=turn.plan.persona_id, text=text
            )
        except PersonaeError as exc:  # too short to judge, no voice measured yet …
            return ReplyScore(score=None, typicality=None, note=exc.message)
        return ReplyScore(score=match.score, typicality=match.typicality)

    def complete(self, turn: Turn) -> TurnResult:
        """The persona's whole reply (blocking; the turn is stored and learnt from)."""
        response, completion = self.chat.answer(turn.plan)
        self._remember_session(turn, response.response)
        return TurnResult(
            text=response.response,
            prompt_tokens=completion.prompt_tokens
            or count_message_tokens(turn.plan.prompt.messages),
            completion_tokens=completion.completion_tokens or count_tokens(response.response),
            finish_reason=completion.finish_reason,
            session_id=response.session_id,
            score=self._score(turn, response.response),
        )

    def stream(self, turn: Turn) -> AsyncIterator[str]:
        """The reply as it is written; then :meth:`streamed` and :meth:`store` with the
        concatenation."""
        return self.chat.stream(turn.plan)

    def streamed(self, turn: Turn, text: str) -> TurnResult:
        """What the end of a stream reports (token counts estimated), and the session the
        next request of this conversation continues: set before the client is told the
        stream is done, so a client that sends its next message at once finds it."""
        self._remember_session(turn, text)
        completion_tokens = count_tokens(text)
        limit = turn.plan.max_tokens or self.chat.max_reply_tokens
        return TurnResult(
            text=text,
            prompt_tokens=count_message_tokens(turn.plan.prompt.messages),
            completion_tokens=completion_tokens,
            finish_reason="length" if completion_tokens >= limit else "stop",
            session_id=turn.plan.session_id,
            score=self._score(turn, text),
        )

    def store(self, turn: Turn, text: str) -> ChatResponse:
        """Store a streamed reply and learn from it (after the client has it all)."""
        return self.chat.finish(turn.plan, text)
