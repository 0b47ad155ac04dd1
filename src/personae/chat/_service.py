"""The chat engine: one turn = context, the model's reply, then what the turn teaches.

A turn runs in three steps so that no database transaction is open while the model
thinks (a local model can take seconds, and SQLite has one writer):

1. :meth:`ChatService.prepare` (one unit of work): find or create the session, pick the
   speaker (the persona named in the request, a persona *addressed by name* in the
   message — ``@Ada`` or ``Ada, …`` — or the next in round-robin order), store the
   user's message, and build the prompt: persona and traits (their intensities) as the
   system prompt, the top-k memories, the recent N messages, the new message, within the
   token budget (:func:`~personae.chat._context.build_prompt`). The temperature comes
   from the traits (:func:`~personae.chat._traits.temperature_for`).
2. The model answers (:meth:`ChatService.reply` blocks; :meth:`ChatService.stream`
   yields tokens).
3. :meth:`ChatService.finish`: extract traits from the exchange (what the user says of
   the persona, read by code; the model's answer, structured output, invalid or
   implausible traits skipped) and, every ``summarize_every`` replies of the persona,
   summarise the recent conversation into memories; then, in one unit of work, store
   the reply, the traits learnt, the memories (facts the user stated, the summary) and
   the turn's model calls (kept by the turn's :class:`~personae.store.BufferedCallLog`
   until then). Memory vectors go to the index after that commit.

So a turn is **two transactions** of the store: step 1's and step 3's (the vector
index's reads and writes go through its own connections, outside both). The model calls
of a turn are not served from the response cache (a reply samples at a temperature above
0, and extraction reads that fresh reply, so a hit is as good as impossible and each
lookup would cost a transaction); they are recorded all the same.

The result is seed 002's ``ChatResponse``: ``response``, ``personaId``, ``traits``,
``confidence`` (mean confidence of the traits seen in this turn, or of the persona's
traits when none were) and ``suggestedActions``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from personae._metrics import observe_chat_turn
from personae.chat._context import PromptParts, build_prompt
from personae.chat._editing import TraitEditing
from personae.chat._extraction import described_traits, extract_traits, learn_traits
from personae.chat._identity import UserFacts, answer_from_facts, guard_reply, user_facts
from personae.chat._lines import (
    addressed,
    check_message,
    persona_reference,
    suggestions,
    system_prompt,
)
from personae.chat._memory import IndexChanges, MemoryBatch, MemoryStore
from personae.chat._memory_text import summarize_conversation
from personae.chat._traits import (
    TraitView,
    persona_traits,
    temperature_for,
)
from personae.errors import InputError, InvalidTokenError
from personae.llm import LLM, Completion, Message, RecordedLLM
from personae.store import (
    BufferedCallLog,
    ChatMessage,
    Database,
    StoreCallLog,
    User,
    crud,
    session_scope,
)
from personae.store._models import utcnow

__all__ = ["ChatResponse", "ChatService", "TurnPlan"]

ModelFor = Callable[[int, str], LLM]
"""``(owner_id, purpose) -> LLM``: the model a call should use (cached and accounted)."""


class ChatResponse(BaseModel):
    """Seed 002's ``ChatResponse``, plus the session and message ids to continue with."""

    model_config = ConfigDict(populate_by_name=True)

    response: str
    persona_id: int = Field(serialization_alias="personaId")
    persona_name: str = Field(serialization_alias="personaName")
    session_id: int = Field(serialization_alias="sessionId")
    message_id: int = Field(serialization_alias="messageId")
    traits: list[TraitView]
    confidence: float
    suggested_actions: list[str] = Field(serialization_alias="suggestedActions")


@dataclass(frozen=True, slots=True)
class TurnPlan:
    """What :meth:`ChatService.prepare` decided: who speaks, and the prompt they get."""

    owner_id: int
    session_id: int
    persona_id: int
    persona_name: str
    user_message: str
    prompt: PromptParts
    temperature: float
    reference: str
    replies_so_far: int
    user_facts: UserFacts = field(default_factory=UserFacts)
    window: tuple[tuple[str, int | None, str], ...] = ()
    """The session's last lines before this turn, ``(role, persona_id, text)``, as many as
    a summary reads (read in step 1, so step 3 needs no read of its own)."""
    log: BufferedCallLog = field(default_factory=BufferedCallLog)
    """The turn's model calls, written in step 3's transaction."""
    max_tokens: int | None = None
    """The reply's token limit; ``None``: the service's ``max_reply_tokens``."""
    stop: tuple[str, ...] = ()
    seed: int | None = None
    json_schema: dict[str, Any] | None = None
    """A JSON Schema the reply must follow (a client's ``response_format``), if any."""


class ChatService(TraitEditing):
    """Chat turns over the store, the model, the traits and the memories.

    Parameters
    ----------
    database
        The store.
    llm_for
        ``(owner_id, purpose) -> LLM``; purposes are ``chat.reply``, ``chat.traits``,
        ``chat.memory``.
    memory
        The memory store (embedder and ``memories`` index).
    recent_messages, memory_k, prompt_budget, max_reply_tokens, summarize_every
        From the settings (``chat_*``).
    extract
        Extract traits after each turn (off: one model call per turn).
    clock
        Now, timezone-aware.

    Examples
    --------
    >>> service = ChatService(db, llm_for, memory=MemoryStore(db, embedder=e, index=i))
    ... # doctest: +SKIP
    >>> service.reply(owner_id=1, message="Hello!", persona_id=3).response  # doctest: +SKIP
    'Hello there, I am Ada.'
    """

    def __init__(
        self,
        database: Database,
        llm_for: ModelFor,
        *,
        memory: MemoryStore,
        recent_messages: int = 12,
        memory_k: int = 5,
        prompt_budget: int = 1536,
        max_reply_tokens: int = 300,
        summarize_every: int = 6,
        extract: bool = True,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.llm_for = llm_for
        self.memory = memory
        self.recent_messages = recent_messages
        self.memory_k = memory_k
        self.prompt_budget = prompt_budget
        self.max_reply_tokens = max_reply_tokens
        self.summarize_every = summarize_every
        self.extract = extract
        self.clock = clock

    # -- sessions ---------------------------------------------------------------------------

    def start_session(self, *, owner_id: int, persona_ids: list[int], title: str = "") -> int:
        """A new session with these personas taking turns (round-robin in this order)."""
        with session_scope(self.database) as session:
            return crud.create_chat_session(
                session=session, owner_id=owner_id, persona_ids=persona_ids, title=title
            ).id

    def history(self, *, owner_id: int, session_id: int, limit: int = 100) -> list[ChatMessage]:
        """The newest ``limit`` messages of a session, oldest first."""
        with session_scope(self.database) as session:
            rows = crud.recent_chat_messages(
                session=session, owner_id=owner_id, chat_session_id=session_id, limit=limit
            )
            session.expunge_all()
            return rows

    # -- one turn ----------------------------------------------------------------------------

    def prepare(
        self,
        *,
        owner_id: int,
        message: str,
        persona_id: int | None = None,
        session_id: int | None = None,
        transcript: Sequence[Message] | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        stop: Sequence[str] = (),
        seed: int | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> TurnPlan:
        """Step 1 of a turn (see the module docstring).

        ``transcript`` is a conversation the *client* keeps (the OpenAI-compatible
        endpoint: every message it sent, ``message`` among them): the prompt is then the
        persona's system prompt and memories followed by that transcript verbatim,
        instead of the stored history. ``max_tokens``, ``temperature`` (else the
        traits'), ``stop``, ``seed`` and ``json_schema`` (a JSON Schema the reply must
        follow, where the provider can constrain it) shape this turn's reply.

        Raises
        ------
        InputError
            An empty or oversize message, or neither a persona nor a session.
        PersonaNotFoundError, ChatSessionNotFoundError
            Another owner's (or no such) persona or session.
        """
        text = check_message(message)
        now = self.clock()
        # Asked outside the turn's transaction: an index built on first use creates its
        # tables through connections of its own, which must not wait on this session's lock.
        memory_on = self.memory.enabled
        with session_scope(self.database) as session:
            if session.get(User, owner_id) is None:
                raise InvalidTokenError("the token's user no longer exists; sign in again")
            if session_id is None:
                if persona_id is None:
                    raise InputError("name a persona (personaId) or a session (sessionId)")
                chat = crud.create_chat_session(
                    session=session, owner_id=owner_id, persona_ids=[persona_id]
                )
            else:
                chat = crud.get_chat_session(
                    session=session, owner_id=owner_id, chat_session_id=session_id
                )
                if persona_id is not None and persona_id not in chat.persona_ids:
                    crud.set_chat_personas(
                        session=session,
                        owner_id=owner_id,
                        chat_session_id=chat.id,
                        persona_ids=[*chat.persona_ids, persona_id],
                    )
            members = {
                pid: crud.get_persona(session=session, owner_id=owner_id, persona_id=pid)
                for pid in chat.persona_ids
            }
            speaker_id = persona_id
            if speaker_id is None:
                names = {pid: [p.name, p.display_name or ""] for pid, p in members.items()}
                speaker_id = addressed(text, names)
            if speaker_id is None:
                speaker_id = chat.persona_ids[chat.turns % len(chat.persona_ids)]
            persona = members[speaker_id]
            name = persona.display_name or persona.name
            window = crud.recent_chat_messages(
                session=session,
                owner_id=owner_id,
                chat_session_id=chat.id,
                limit=max(self.recent_messages, 2 * self.summarize_every),
            )
            history = window[-self.recent_messages :] if self.recent_messages > 0 else []
            traits = persona_traits(
                session=session, owner_id=owner_id, persona_id=speaker_id, now=now
            )
            recalled = self.memory.recall(
                session=session,
                owner_id=owner_id,
                persona_id=speaker_id,
                query=text,
                k=self.memory_k if memory_on else 0,
            )
            turns: list[Message] = []
            for line in history:
                if line.role == "user":
                    turns.append(Message.user(line.content))
                elif line.persona_id == speaker_id:
                    turns.append(Message.assistant(line.content))
                else:
                    other = members.get(line.persona_id or 0)
                    label = (other.display_name or other.name) if other else "Someone"
                    turns.append(Message.user(f"[{label}]: {line.content}"))
            others = [p.display_name or p.name for pid, p in members.items() if pid != speaker_id]
            # Remembered facts first (oldest first), then this session's: the latest wins.
            remembered = [m.text for m in sorted(recalled, key=lambda m: m.created_at)]
            said = [line.content for line in history if line.role == "user"]
            if transcript is not None:
                said = [line.content for line in transcript if line.role == "user"]
            facts = user_facts([*remembered, *said, text])
            prompt = build_prompt(
                system=system_prompt(persona, traits, others, facts),
                memories=[(memory.id, memory.text) for memory in recalled],
                history=turns if transcript is None else [],
                user_message=text,
                budget=self.prompt_budget,
            )
            if transcript is not None:
                prompt = replace(prompt, messages=[prompt.messages[0], *transcript])
            crud.add_chat_message(
                session=session,
                owner_id=owner_id,
                chat_session_id=chat.id,
                role="user",
                content=text,
                at=now,
            )
            # Over the whole session: the recent window stops growing, so counting in it
            # would summarise once per session and never again.
            replies = crud.count_chat_replies(
                session=session, owner_id=owner_id, chat_session_id=chat.id, persona_id=speaker_id
            )
            return TurnPlan(
                owner_id=owner_id,
                session_id=chat.id,
                persona_id=speaker_id,
                persona_name=name,
                user_message=text,
                prompt=prompt,
                temperature=temperature_for(traits) if temperature is None else temperature,
                reference=persona_reference(persona, traits),
                replies_so_far=replies,
                user_facts=facts,
                max_tokens=max_tokens,
                stop=tuple(stop),
                seed=seed,
                json_schema=json_schema,
                window=tuple((line.role, line.persona_id, line.content) for line in window),
                log=BufferedCallLog(late=StoreCallLog(self.database)),
            )

    def _model(self, plan: TurnPlan, purpose: str) -> LLM:
        """The model for one of the turn's calls, recording into the turn's log."""
        llm = self.llm_for(plan.owner_id, purpose)
        if isinstance(llm, RecordedLLM):
            return llm.logging_to(plan.log, cache=False)
        return llm

    def finish(self, plan: TurnPlan, reply: str) -> ChatResponse:
        """Step 3 of a turn: learn traits, maybe summarise, then store it all at once.

        The reply is stored without sentences in which the persona claims the user's
        name, misnames the user, or repeats its earlier replies, and cut where it starts
        looping (:func:`guard_reply`); facts the user stated
        in this message are remembered for later sessions.
        """
        try:
            return self._finish(plan, reply)
        finally:
            plan.log.close()  # after a failure: the calls made are still recorded

    def _finish(self, plan: TurnPlan, reply: str) -> ChatResponse:
        observe_chat_turn()  # personae_chat_turns_total: REST, WebSocket, /v1, MCP alike
        direct = answer_from_facts(
            plan.user_message, plan.user_facts, persona_name=plan.persona_name
        )
        text = guard_reply(
            reply,
            plan.user_facts,
            plan.persona_name,
            said_before=_earlier(plan),
            answer=direct,
        )
        if direct is not None and not text.startswith(direct):
            text = f"{direct} {text}".strip()
        said = user_facts([plan.user_message])
        text = text or _acknowledgement(said)
        stated = said.prompt_lines()
        batches: list[tuple[MemoryBatch, str]] = []
        if stated and self.memory.enabled:
            batches.append((self._plan_memories(plan, stated), "user"))
        extracted = []
        if self.extract:
            # What the user says of the persona first; the model's traits add the rest.
            extracted = described_traits(plan.user_message)
            described = {trait.name for trait in extracted}
            extracted += [
                trait
                for trait in extract_traits(
                    self._model(plan, "chat.traits"),
                    persona_name=plan.persona_name,
                    user_message=plan.user_message,
                    reply=text,
                )
                if trait.name not in described
            ]
        summarize = (plan.replies_so_far + 1) % self.summarize_every == 0
        if summarize:
            memories, source = summarize_conversation(
                self._model(plan, "chat.memory"),
                persona_name=plan.persona_name,
                lines=self._window_lines(plan, text),
            )
            summary = self._plan_memories(plan, memories)
        now = self.clock()
        changes = IndexChanges()
        with session_scope(self.database) as session:
            plan.log.flush(session)
            seen = learn_traits(
                session=session,
                owner_id=plan.owner_id,
                persona_id=plan.persona_id,
                extracted=extracted,
                now=now,
            )
            line = crud.add_chat_message(
                session=session,
                owner_id=plan.owner_id,
                chat_session_id=plan.session_id,
                role="assistant",
                content=text,
                persona_id=plan.persona_id,
                traits=[trait.model_dump(mode="json") for trait in seen] or None,
                at=now,
            )
            message_id = line.id
            for batch, kind in batches:
                self.memory.write(
                    session, batch, source=kind, chat_session_id=plan.session_id, pending=changes
                )
            if summarize:
                changes.extend(
                    self.memory.expire_in(
                        session, owner_id=plan.owner_id, persona_id=plan.persona_id
                    )
                )
                self.memory.write(
                    session,
                    summary,
                    source=source,
                    chat_session_id=plan.session_id,
                    pending=changes,
                )
            traits = persona_traits(
                session=session, owner_id=plan.owner_id, persona_id=plan.persona_id, now=now
            )
            proposals = crud.list_trait_proposals(
                session=session, owner_id=plan.owner_id, persona_id=plan.persona_id
            )
            proposal_names = [row.name for row in proposals[:3]]
        changes.apply(self.memory.index)
        basis = seen or traits
        confidence = (
            round(sum(trait.confidence for trait in basis) / len(basis), 4) if basis else 0.0
        )
        return ChatResponse(
            response=text,
            persona_id=plan.persona_id,
            persona_name=plan.persona_name,
            session_id=plan.session_id,
            message_id=message_id,
            traits=traits,
            confidence=confidence,
            suggested_actions=suggestions(plan.persona_name, traits, proposal_names),
        )

    def _plan_memories(self, plan: TurnPlan, texts: list[str]) -> MemoryBatch:
        return self.memory.plan(
            owner_id=plan.owner_id,
            persona_id=plan.persona_id,
            texts=texts,
            reference=plan.reference,
            persona_name=plan.persona_name,
        )

    def _window_lines(self, plan: TurnPlan, reply: str) -> list[tuple[str, str]]:
        """The lines a summary reads: the session's last ``2 × summarize_every`` lines
        with this turn's, those of the user and of the speaking persona."""
        lines = [
            *plan.window,
            ("user", None, plan.user_message),
            ("assistant", plan.persona_id, reply),
        ][-2 * self.summarize_every :]
        return [
            ("user" if role == "user" else plan.persona_name, content)
            for role, persona_id, content in lines
            if role == "user" or persona_id == plan.persona_id
        ]

    def reply(
        self,
        *,
        owner_id: int,
        message: str,
        persona_id: int | None = None,
        session_id: int | None = None,
    ) -> ChatResponse:
        """One whole turn, blocking (seed 002's ``processMessage``)."""
        plan = self.prepare(
            owner_id=owner_id, message=message, persona_id=persona_id, session_id=session_id
        )
        return self.answer(plan)[0]

    def answer(self, plan: TurnPlan) -> tuple[ChatResponse, Completion]:
        """Steps 2 and 3, blocking: the turn's response and the model's completion
        (its token counts, for callers that report usage)."""
        try:
            completion = self._model(plan, "chat.reply").complete(
                plan.prompt.messages,
                max_tokens=plan.max_tokens or self.max_reply_tokens,
                temperature=plan.temperature,
                stop=plan.stop,
                seed=plan.seed,
                json_schema=plan.json_schema,
            )
        except BaseException:
            plan.log.close()
            raise
        return self.finish(plan, completion.text), completion

    async def stream(self, plan: TurnPlan) -> AsyncIterator[str]:
        """Step 2 as it is written, a sentence at a time, each through :func:`guard_reply`
        (so a claim of the user's identity or a loop never reaches the screen); call
        :meth:`finish` with their concatenation.

        Closed before its end (a client that went away), it closes the model's stream at
        once and records the turn's calls then, since :meth:`finish` will not run.
        """
        done = False
        tokens = self._model(plan, "chat.reply").stream(
            plan.prompt.messages,
            max_tokens=plan.max_tokens or self.max_reply_tokens,
            temperature=plan.temperature,
            stop=plan.stop,
            seed=plan.seed,
            json_schema=plan.json_schema,
        )
        try:
            async for piece in _guarded(plan, tokens):
                yield piece
            done = True
        finally:
            close = getattr(tokens, "aclose", None)
            if close is not None:
                await close()  # stops the model at its next token; its call is recorded
            if not done:
                plan.log.close()


def _earlier(plan: TurnPlan) -> list[str]:
    """The speaker's earlier replies in the session's recent window, which the reply must
    not copy (a small model copies its last reply whole)."""
    return [
        content
        for role, persona_id, content in plan.window
        if role == "assistant" and persona_id == plan.persona_id
    ]


async def _guarded(plan: TurnPlan, tokens: AsyncIterator[str]) -> AsyncIterator[str]:
    """The reply's tokens as sentences checked by :func:`guard_reply`."""
    direct = answer_from_facts(plan.user_message, plan.user_facts, persona_name=plan.persona_name)
    if direct is not None:
        yield direct
    before = _earlier(plan)
    written = ""
    shown = ""
    async for token in tokens:
        written += token
        end = max(written.rfind(". "), written.rfind("! "), written.rfind("? "))
        if end < 0:
            continue
        safe = guard_reply(
            written[: end + 1],
            plan.user_facts,
            plan.persona_name,
            said_before=before,
            answer=direct,
        )
        if not safe.startswith(shown):
            return  # the guard cut a loop short: nothing more is worth showing
        if len(safe) > len(shown):
            yield (" " if shown or direct else "") + safe[len(shown) :].lstrip()
            shown = safe
    final = guard_reply(
        written, plan.user_facts, plan.persona_name, said_before=before, answer=direct
    )
    if final.startswith(shown) and len(final) > len(shown):
        yield (" " if shown or direct else "") + final[len(shown) :].lstrip()


def _acknowledgement(said: UserFacts) -> str:
    """The reply when the guard left nothing of the model's: the user told something
    about themselves is answered that it was heard ("Got it, Samantha." after "Actually,
    my name is Samantha"), anything else with "…" (never the sentences it dropped)."""
    if said.name:
        return f"Got it, {said.name}."
    return "Got it." if said.prompt_lines() else "…"
