"""SQLAlchemy tables: what is stored, and nothing about how callers see it.

The pydantic schemas callers send and receive live in :mod:`personae.store._schemas`;
these classes are the rows. Every owned row is reachable from a user: ``personas`` and
``api_keys`` carry ``owner_id``, every persona facet carries ``persona_id``, and all those
foreign keys cascade on delete, so deleting a user (GDPR) or a persona removes what hangs
off it in the database itself, not in Python.

Types are portable (``JSON``, not ``JSONB``; timestamps stored in UTC) so SQLite and
PostgreSQL share one schema and one migration history.

One private module per entity group (``_accounts``, ``_personas``, ``_traits``, ``_llm``,
``_strategy``, ``_chat``, ``_content``; the declarative base, the clock and the column
helpers in ``_base``). Importing this package imports them all, so
``Base.metadata`` holds every table, which is what Alembic and ``create_all`` need.
"""

from __future__ import annotations

from personae.store._models._accounts import ApiKey, AuditLog, AuthSession, User
from personae.store._models._base import Base, UTCDateTime, utcnow
from personae.store._models._chat import ChatMessage, ChatSession, Memory, MemoryHygiene
from personae.store._models._content import (
    CalendarFeed,
    ContentEdit,
    ContentExperiment,
    ContentPiece,
    PublishAttempt,
    Publisher,
)
from personae.store._models._llm import Job, LlmResponse, LlmUsage
from personae.store._models._personas import (
    PERSONA_FIELDS,
    Persona,
    PersonaAnalysisResult,
    PersonaConfiguration,
    PersonaLabel,
    PersonaMetric,
    PersonaValidationResult,
    PersonaVersion,
    PlatformPersona,
)
from personae.store._models._strategy import (
    AudienceCluster,
    EngagementEvent,
    LearningEpisode,
    PolicyState,
    Strategy,
    StrategyEdge,
)
from personae.store._models._traits import CoreTrait, Trait, TraitProposal

__all__ = [
    "PERSONA_FIELDS",
    "ApiKey",
    "AudienceCluster",
    "AuditLog",
    "AuthSession",
    "Base",
    "CalendarFeed",
    "ChatMessage",
    "ChatSession",
    "ContentEdit",
    "ContentExperiment",
    "ContentPiece",
    "CoreTrait",
    "EngagementEvent",
    "Job",
    "LearningEpisode",
    "LlmResponse",
    "LlmUsage",
    "Memory",
    "MemoryHygiene",
    "Persona",
    "PersonaAnalysisResult",
    "PersonaConfiguration",
    "PersonaLabel",
    "PersonaMetric",
    "PersonaValidationResult",
    "PersonaVersion",
    "PlatformPersona",
    "PolicyState",
    "PublishAttempt",
    "Publisher",
    "Strategy",
    "StrategyEdge",
    "Trait",
    "TraitProposal",
    "UTCDateTime",
    "User",
    "utcnow",
]
