"""The persona chat engine: traits with intensities, memory that retrieves the right
things, trait extraction, and chat turns over the store and the LLM layer.

* :mod:`~personae.chat._traits` — traits (a persona's own plus the owner's inherited
  core traits), seed 002's personality adjustments, intensities → prompt and
  temperature, extraction with confidence that grows when seen again and decays when not.
* :mod:`~personae.chat._extraction` — trait extraction from one exchange, checked for
  plausibility and folded into the persona's traits.
* :mod:`~personae.chat._memory` — :class:`MemoryStore`: echo filter, importance scored by
  code, dedup by merging, expiry; retrieval ranked by relevance + importance, recency
  for questions about the present, and lower for memories about someone else.
* :mod:`~personae.chat._memory_text` — the text side of memory: importance, echoes,
  third parties, summaries (pure functions of strings).
* :mod:`~personae.chat._context` — the prompt of a turn within a token budget.
* :mod:`~personae.chat._service` — :class:`ChatService`: sessions, messages, turns
  (blocking or streamed, two store transactions each), multi-persona sessions.
* :mod:`~personae.chat._editing` — the service's other use cases: trait editing,
  memories and session history, each one unit of work.
* :mod:`~personae.chat._build` — :func:`build_chat_service` and
  :func:`build_memory_store`: the one wiring the API, the CLI and jobs use.

>>> from personae.chat import ChatService, MemoryStore
>>> memory = MemoryStore(db, embedder=embedder, index=index)  # doctest: +SKIP
>>> chat = ChatService(db, llm_for, memory=memory)  # doctest: +SKIP
>>> chat.reply(owner_id=1, message="Hi, I'm Sam.", persona_id=3).response  # doctest: +SKIP

Design notes
============

`personae.chat`: traits, memory, chat turns
-------------------------------------------

Seed 002 (AI Persona Universe) on the store, the LLM layer and `personae.vectors`.
`ChatService(database, llm_for, memory=MemoryStore(...), clock=…)` runs turns; everything
else is plain functions. It depends on `store`, `llm`, `vectors` (protocols only) and
`errors`; the API (`api/routes/chat.py`) and the CLI (`cli/_chat.py`) wire it.

- module — one job
- `_traits.py` — traits (own + inherited core), `PUT /api/personality` arithmetic,
  intensities → prompt and temperature, extraction and learning
- `_memory.py` — `MemoryStore`: echo filter, importance by code, dedup by merging, expiry,
  ranked retrieval, hygiene figures; summarisation with an extractive fallback
- `_context.py` — token estimate and the prompt within its budget
- `_service.py` — `ChatService`: sessions, speaker choice, the three steps of a turn,
  `ChatResponse`
- `_identity.py` — who is who: the user's stated facts (name, work, likes; the latest
  wins) read by code from their messages and memories, answers to questions about them
  and about the persona's own name, and the reply guard (no sentence claiming the
  user's name or work, naming the persona as someone else, calling the user by a name
  not theirs, reading the prompt back or copying an earlier reply; loops and
  transcripts cut)

**Storage** (migration `0004`). `traits` (a persona's own) gains `source` (`user` |
`extracted`) and `last_seen_at`. Core traits, which every persona of an owner inherits,
are an owner-level table `core_traits` (owner, name unique): the existing `traits.persona_id`
is NOT NULL and a nullable one would need a partial unique index per backend; an own
trait of the same name overrides the core one for that persona. In the API a trait id is
`t<n>` (own) or `c<n>` (core), so one `traitId` names either. `trait_proposals` keeps
what extraction saw about hand-set traits. `chat_sessions` (owner, `persona_ids` in turn
order, `turns`), `messages` (session, `persona_id` NULL for the user's lines, role,
content, the traits extracted from that reply), `memories` (owner, persona, session
`SET NULL`, text, importance, source, `merged`, `created_at`, `last_accessed`,
`expires_at`) and `memory_hygiene` (per persona: candidates, stored, merged, echoes,
expired). Everything cascades from `users` (and from `personas` where it has a persona);
the GDPR archive lists proposals, memories and hygiene under each persona and
`core_traits` and `chat_sessions` (with their messages) at the top. The memory vectors are
in the `memories` collection of the vector index under the row's id; erase them with
`personae.vectors.erase_owner` as for every collection. Audit rows are written for hand
edits of traits and for new sessions, not for each message or memory.

**Traits.** Intensities are clamped to 0..1 (`increase`/`decrease` by the amount, 0.1 when
none). Hand-set traits have confidence 1 and never decay. An extracted trait starts at half
the model's confidence, gains `0.5 × c` of the remaining distance to 1 each time it is
seen again, and decays with a 30-day half-life from `last_seen_at` — computed when read,
so no job has to run and the clock is injectable. Extraction (`llm.structured` with
`TraitExtraction`, names checked to `[a-z][a-z0-9 _'-]*`) never writes a `user` trait or
an inherited one: the sighting becomes a proposal; an answer that still fails validation
after the LLM layer's repairs and retries is skipped, and a trait that is neither a word of
`TRAIT_VOCABULARY` nor said of someone in the turn is dropped (a small model names the
people). What the user says of the persona ("You're always so direct and funny") is read
by code (`described_traits`: vocabulary words after "you're", the sentence as evidence;
no negations, questions or conditionals). **Prompt**: core traits, then specific
ones, each with a band (`barely` < 0.2 ≤ `slightly` < 0.4 ≤ `moderately` < 0.6 ≤ `strongly`
< 0.8 ≤ `intensely`) and its value; traits under 0.1 and decayed extracted traits (< 0.05)
are left out. **Temperature**: 0.7 + 0.4 × mean over traits named in a loosening list
(creative, playful, curious …, +1) or a tightening one (precise, analytical, formal …, −1)
of `sign × (intensity − 0.5) × 2 × confidence`, clamped to 0.2..1.1.

**Memory.** Candidates (from the summary of a conversation) are refused as *echoes* of the
persona's definition (role, belief, system prompt, context, scenario, trait descriptions)
when their cosine to one of its sentences is ≥ 0.8 or half their word trigrams occur in it,
or when they speak in the first person and name the persona (self-talk);
importance is scored by code (personal facts, numbers and dates, names, feelings,
emphasis up; small talk, requests such as "The user asked for …" and very short text down);
a candidate within cosine 0.9 of an
existing memory of the persona is merged into it (newer wording, higher importance,
`merged + 1`), so the duplicate rate is merged ÷ (stored + merged). Each candidate is its
own unit of work and its vector is written after the commit, because sqlite-vec writes
through connections of its own that must not wait on the session's write lock.
Retrieval searches the 4k (≥ 32) nearest vectors within owner and persona (and session
when asked; the index filters inside the search, so isolation does not depend on
post-filtering) and ranks `1.0 × cosine + 0.15 × importance`, `+ 0.1 × 0.5^(hours since
last access / 720)` only when the message asks about the present (`asks_about_present`),
and `− 0.1` for a memory about a named other person (`third_party`: "The user's colleague
Tom …") the message does not mention; returned memories are touched. Always-on recency
(AI Town's) lost to plain cosine on `memory_bench`'s set by lifting recent distractors
over old stable facts; the recent turns are in the prompt anyway. Every
`chat_summarize_every` (6)
replies of a persona, the recent window is summarised from its view (`MemorySummary`); an
unusable answer falls back to the user's most important sentences.

**A turn** is three steps so no transaction is open while the model works: `prepare`
(session, speaker, user message stored, prompt built), the model (`complete` or
`stream`), `finish` (reply stored, traits learned, maybe memories written). The speaker is
the request's `personaId`, else a persona addressed as `@name` or `Name, …`, else
round-robin over the session's personas; other personas' lines reach the speaker as
`[Name]: …` user turns. The prompt budget (`chat_prompt_budget_tokens`) is counted with
an estimate, ⌈4/3 × (words + punctuation)⌉ + 4 per message; the lowest-ranked memories go
first, then the oldest messages, and only then is the system prompt cut. A property test
checks the budget is never exceeded.

**API and CLI.** `routes/chat.py` (tag `chat`) and `personae chat` are shells over
`build_chat_service`: `POST /api/chat` and `/ws/chat` run the service with the app's model
factory (purposes `chat.reply`, `chat.traits`, `chat.memory`). The memory store is one per
app (`build_memory_store`: `vectors.LazyEmbedder` and `LazyMemoryIndex`, both built on
first use outside any transaction; `routes.chat.get_memory_store` is the dependency tests
override). On a PostgreSQL without pgvector the index cannot be built: memory is switched
off with one warning in the log and chat goes on without memories, rather than answering
503 to every turn. The WebSocket authenticates with a first `auth` message or the
`personae.bearer` subprotocol (never a URL token) and re-authenticates every turn.
`personae chat PERSONA` streams answers in the terminal.

`benchmarks/memory_bench.py` measures the ranking against plain cosine on a shipped
synthetic set (the weights were chosen on sets of other seeds) and the turn overhead.
"""

from __future__ import annotations

from personae.chat._build import LazyMemoryIndex, build_chat_service, build_memory_store
from personae.chat._context import PromptParts, build_prompt, count_message_tokens, count_tokens
from personae.chat._editing import ChatLine, MemoryList, MemoryView, TraitEditing, TraitProposalView
from personae.chat._extraction import (
    ExtractedTrait,
    TraitExtraction,
    described_traits,
    extract_traits,
    learn_traits,
)
from personae.chat._lines import persona_opening, persona_reference
from personae.chat._memory import (
    IndexChanges,
    MemoryBatch,
    MemoryHygieneView,
    MemoryStore,
    RankingWeights,
    RecalledMemory,
    WriteReport,
    memory_hygiene,
)
from personae.chat._memory_text import (
    MemorySummary,
    asks_about_present,
    extractive_summary,
    ngram_overlap,
    score_importance,
    summarize_conversation,
    third_party,
)
from personae.chat._service import ChatResponse, ChatService, TurnPlan
from personae.chat._traits import (
    TraitAction,
    TraitView,
    adjust_intensity,
    apply_personality,
    decayed_confidence,
    normalize_trait_name,
    parse_trait_id,
    persona_traits,
    seen_again,
    temperature_for,
    traits_prompt,
)

__all__ = [
    "ChatLine",
    "ChatResponse",
    "ChatService",
    "ExtractedTrait",
    "IndexChanges",
    "LazyMemoryIndex",
    "MemoryBatch",
    "MemoryHygieneView",
    "MemoryList",
    "MemoryStore",
    "MemorySummary",
    "MemoryView",
    "PromptParts",
    "RankingWeights",
    "RecalledMemory",
    "TraitAction",
    "TraitEditing",
    "TraitExtraction",
    "TraitProposalView",
    "TraitView",
    "TurnPlan",
    "WriteReport",
    "adjust_intensity",
    "apply_personality",
    "asks_about_present",
    "build_chat_service",
    "build_memory_store",
    "build_prompt",
    "count_message_tokens",
    "count_tokens",
    "decayed_confidence",
    "described_traits",
    "extract_traits",
    "extractive_summary",
    "learn_traits",
    "memory_hygiene",
    "ngram_overlap",
    "normalize_trait_name",
    "parse_trait_id",
    "persona_opening",
    "persona_reference",
    "persona_traits",
    "score_importance",
    "seen_again",
    "summarize_conversation",
    "temperature_for",
    "third_party",
    "traits_prompt",
]
