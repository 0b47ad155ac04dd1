"""The persona chat engine: traits with intensities, memory that retrieves the right
things, trait extraction, and chat turns over the store and the LLM layer.

* :mod:`~personae.chat._traits` — traits (a persona's own plus the owner's inherited
  core traits), seed 002's personality adjustments, intensities → prompt and
  temperature, extraction with confidence that grows when seen again and decays when not.
* :mod:`~personae.chat._memory` — :class:`MemoryStore`: echo filter, importance scored by
  code, dedup by merging, expiry; retrieval ranked by relevance + importance, recency
  for questions about the present, and lower for memories about someone else.
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
"""

from __future__ import annotations

from personae.chat._build import LazyMemoryIndex, build_chat_service, build_memory_store
from personae.chat._context import PromptParts, build_prompt, count_message_tokens, count_tokens
from personae.chat._editing import ChatLine, MemoryList, MemoryView, TraitEditing, TraitProposalView
from personae.chat._memory import (
    IndexChanges,
    MemoryBatch,
    MemoryHygieneView,
    MemoryStore,
    MemorySummary,
    RankingWeights,
    RecalledMemory,
    WriteReport,
    asks_about_present,
    extractive_summary,
    memory_hygiene,
    ngram_overlap,
    score_importance,
    summarize_conversation,
    third_party,
)
from personae.chat._service import ChatResponse, ChatService, TurnPlan, persona_reference
from personae.chat._traits import (
    ExtractedTrait,
    TraitAction,
    TraitExtraction,
    TraitView,
    adjust_intensity,
    apply_personality,
    decayed_confidence,
    extract_traits,
    learn_traits,
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
    "extract_traits",
    "extractive_summary",
    "learn_traits",
    "memory_hygiene",
    "ngram_overlap",
    "normalize_trait_name",
    "parse_trait_id",
    "persona_reference",
    "persona_traits",
    "score_importance",
    "seen_again",
    "summarize_conversation",
    "temperature_for",
    "third_party",
    "traits_prompt",
]
