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
3. :meth:`ChatService.finish`: store the reply, extract traits from the exchange
   (structured output; invalid answers skipped), and every ``summarize_every`` replies
   of the persona summarise the recent conversation into memories.

The result is seed 002's ``ChatResponse``: ``response``, ``personaId``, ``traits``,
``confidence`` (mean confidence of the traits seen in this turn, or of the persona's
traits when none were) and ``suggestedActions``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from personae._metrics import observe_chat_turn
from personae.chat._context import PromptParts, build_prompt
from personae.chat._identity import UserFacts, answer_from_facts, guard_reply, user_facts
from personae.chat._memory import MemoryStore, summarize_conversation
from personae.chat._traits import (
    TraitView,
    extract_traits,
    learn_traits,
    persona_traits,
    temperature_for,
    traits_prompt,
)
from personae.errors import InputError
from personae.llm import LLM, Completion, Message
from personae.store import ChatMessage, Database, Persona, crud, session_scope
from personae.store._models import utcnow

__all__ = ["ChatResponse", "ChatService", "TurnPlan", "persona_reference"]

MAX_MESSAGE_CHARS = 8_000
"""Longest chat message accepted."""

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
    max_tokens: int | None = None
    """The reply's token limit; ``None``: the service's ``max_reply_tokens``."""
    stop: tuple[str, ...] = ()
    seed: int | None = None


def persona_reference(persona: Persona, traits: list[TraitView]) -> str:
    """The persona's own definition, which memories must never echo."""
    parts = [
        persona.display_name or persona.name,
        persona.role or "",
        persona.archetype or "",
        persona.core_belief or "",
        persona.system_prompt or "",
        persona.context or "",
        persona.scenario or "",
        *(trait.description for trait in traits),
    ]
    return "\n".join(part for part in parts if part and part.strip())


def _system_prompt(
    persona: Persona, traits: list[TraitView], others: list[str], facts: UserFacts | None = None
) -> str:
    name = persona.display_name or persona.name
    parts = [f"You are {name}."]
    if persona.role:
        parts.append(f"Role: {persona.role}.")
    if persona.core_belief:
        parts.append(f"Core belief: {persona.core_belief}")
    if persona.system_prompt:
        parts.append(persona.system_prompt)
    if persona.context:
        parts.append(persona.context)
    trait_text = traits_prompt(name, traits)
    if trait_text:
        parts.append(trait_text)
    if others:
        parts.append(
            f"Also in this conversation: {', '.join(others)}. Their lines appear as "
            "'[Name]: …'. Speak only as yourself."
        )
    about_user = facts.prompt_lines() if facts is not None else []
    if about_user:
        parts.append("What the user told you about themselves: " + " ".join(about_user))
    parts.append(
        f"You are {name}, not the user: never use the user's name or business as your own."
    )
    parts.append(f"Respond in character as {name}, in a few sentences.")
    return "\n".join(parts)


def _check_message(message: str) -> str:
    text = message.strip() if isinstance(message, str) else ""
    if not text:
        raise InputError("the message is empty", field="message")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InputError(
            f"the message has {len(text):,} characters; the limit is {MAX_MESSAGE_CHARS:,}",
            field="message",
        )
    if "\x00" in text:
        raise InputError("the message contains a NUL character", field="message")
    return text


def addressed(message: str, names: dict[int, list[str]]) -> int | None:
    """The persona a message addresses by name (``@ada``, ``Ada, …``, ``Ada: …``)."""
    lowered = message.lower()
    for persona_id, aliases in names.items():
        for alias in aliases:
            key = alias.lower()
            if not key:
                continue
            if re.search(rf"@{re.escape(key)}\b", lowered) or re.match(
                rf"^\s*{re.escape(key)}\s*[,:]", lowered
            ):
                return persona_id
    return None


class ChatService:
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
    ) -> TurnPlan:
        """Step 1 of a turn (see the module docstring).

        ``transcript`` is a conversation the *client* keeps (the OpenAI-compatible
        endpoint: every message it sent, ``message`` among them): the prompt is then the
        persona's system prompt and memories followed by that transcript verbatim,
        instead of the stored history. ``max_tokens``, ``temperature`` (else the
        traits'), ``stop`` and ``seed`` shape this turn's reply.

        Raises
        ------
        InputError
            An empty or oversize message, or neither a persona nor a session.
        PersonaNotFoundError, ChatSessionNotFoundError
            Another owner's (or no such) persona or session.
        """
        text = _check_message(message)
        now = self.clock()
        # Asked outside the turn's transaction: an index built on first use creates its
        # tables through connections of its own, which must not wait on this session's lock.
        memory_on = self.memory.enabled
        with session_scope(self.database) as session:
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
            history = crud.recent_chat_messages(
                session=session,
                owner_id=owner_id,
                chat_session_id=chat.id,
                limit=self.recent_messages,
            )
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
                system=_system_prompt(persona, traits, others, facts),
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
            )

    def finish(self, plan: TurnPlan, reply: str) -> ChatResponse:
        """Step 3 of a turn: store the reply, learn traits, maybe write memories.

        The reply is stored without sentences in which the persona claims the user's
        name, and cut where it starts looping (:func:`guard_reply`); facts the user stated
        in this message are remembered for later sessions.
        """
        observe_chat_turn()  # personae_chat_turns_total: REST, WebSocket, /v1, MCP alike
        text = guard_reply(reply, plan.user_facts, plan.persona_name)
        direct = answer_from_facts(plan.user_message, plan.user_facts)
        if direct is not None and not text.startswith(direct):
            text = f"{direct} {text}".strip()
        text = text or "…"
        stated = user_facts([plan.user_message]).prompt_lines()
        if stated and self.memory.enabled:
            self.memory.remember(
                owner_id=plan.owner_id,
                persona_id=plan.persona_id,
                texts=stated,
                source="user",
                reference=plan.reference,
                persona_name=plan.persona_name,
                chat_session_id=plan.session_id,
            )
        extracted = []
        if self.extract:
            extracted = extract_traits(
                self.llm_for(plan.owner_id, "chat.traits"),
                persona_name=plan.persona_name,
                user_message=plan.user_message,
                reply=text,
            )
        now = self.clock()
        with session_scope(self.database) as session:
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
            traits = persona_traits(
                session=session, owner_id=plan.owner_id, persona_id=plan.persona_id, now=now
            )
            proposals = crud.list_trait_proposals(
                session=session, owner_id=plan.owner_id, persona_id=plan.persona_id
            )
            proposal_names = [row.name for row in proposals[:3]]
            window = crud.recent_chat_messages(
                session=session,
                owner_id=plan.owner_id,
                chat_session_id=plan.session_id,
                limit=2 * self.summarize_every,
            )
            lines = [
                ("user" if row.role == "user" else plan.persona_name, row.content)
                for row in window
                if row.role == "user" or row.persona_id == plan.persona_id
            ]
        if (plan.replies_so_far + 1) % self.summarize_every == 0:
            self._summarize(plan, lines)
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
            suggested_actions=_suggestions(plan.persona_name, traits, proposal_names),
        )

    def _summarize(self, plan: TurnPlan, lines: list[tuple[str, str]]) -> None:
        memories, source = summarize_conversation(
            self.llm_for(plan.owner_id, "chat.memory"),
            persona_name=plan.persona_name,
            lines=lines,
        )
        self.memory.expire(owner_id=plan.owner_id, persona_id=plan.persona_id)
        self.memory.remember(
            owner_id=plan.owner_id,
            persona_id=plan.persona_id,
            texts=memories,
            source=source,
            reference=plan.reference,
            persona_name=plan.persona_name,
            chat_session_id=plan.session_id,
        )

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
        completion = self.llm_for(plan.owner_id, "chat.reply").complete(
            plan.prompt.messages,
            max_tokens=plan.max_tokens or self.max_reply_tokens,
            temperature=plan.temperature,
            stop=plan.stop,
            seed=plan.seed,
        )
        return self.finish(plan, completion.text), completion

    async def stream(self, plan: TurnPlan) -> AsyncIterator[str]:
        """Step 2 as it is written, a sentence at a time, each through :func:`guard_reply`
        (so a claim of the user's identity or a loop never reaches the screen); call
        :meth:`finish` with their concatenation."""
        direct = answer_from_facts(plan.user_message, plan.user_facts)
        if direct is not None:
            yield direct
        written = ""
        shown = ""
        async for token in self.llm_for(plan.owner_id, "chat.reply").stream(
            plan.prompt.messages,
            max_tokens=plan.max_tokens or self.max_reply_tokens,
            temperature=plan.temperature,
            stop=plan.stop,
            seed=plan.seed,
        ):
            written += token
            end = max(written.rfind(". "), written.rfind("! "), written.rfind("? "))
            if end < 0:
                continue
            safe = guard_reply(written[: end + 1], plan.user_facts, plan.persona_name)
            if not safe.startswith(shown):
                return  # the guard cut a loop short: nothing more is worth showing
            if len(safe) > len(shown):
                yield (" " if shown or direct else "") + safe[len(shown) :].lstrip()
                shown = safe
        final = guard_reply(written, plan.user_facts, plan.persona_name)
        if final.startswith(shown) and len(final) > len(shown):
            yield (" " if shown or direct else "") + final[len(shown) :].lstrip()


def _suggestions(name: str, traits: list[TraitView], proposals: list[str]) -> list[str]:
    """Seed 002's ``generateSuggestions``, from the traits: review what extraction
    proposed, tone down the strongest trait, strengthen a faint one, keep talking."""
    actions = [f"Review the proposed change to '{proposal}'" for proposal in proposals]
    if traits:
        strongest = max(traits, key=lambda trait: (trait.intensity, trait.name))
        if strongest.intensity >= 0.8:
            actions.append(f"Tone down '{strongest.name}' (intensity {strongest.intensity:.2f})")
        faintest = min(traits, key=lambda trait: (trait.intensity, trait.name))
        if faintest.intensity <= 0.3 and faintest is not strongest:
            actions.append(f"Strengthen '{faintest.name}' (intensity {faintest.intensity:.2f})")
    actions.append(f"Ask {name} a follow-up question")
    return actions[:5]
