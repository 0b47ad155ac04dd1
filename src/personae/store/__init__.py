"""The store: SQLAlchemy 2 tables, pydantic schemas, one write path, Alembic migrations.

SQLite by default (a file in the data directory), PostgreSQL when
``PERSONAE_DATABASE_URL`` says so; both share one schema. Writes go only through
:mod:`personae.store.crud` (keyword-only ``session=``, flush only); a unit of work,
:func:`session_scope`, commits or rolls back.

>>> from personae.store import Database, PersonaCreate, UserCreate, crud, session_scope
>>> with Database("sqlite:///personae.db") as db:  # doctest: +SKIP
...     db.upgrade()
...     with session_scope(db) as session:
...         new = UserCreate(email="me@example.org", password_hash="!")
...         me = crud.create_user(session=session, data=new)
...         crud.create_persona(session=session, owner_id=me.id, data=PersonaCreate(name="ada"))
"""

from __future__ import annotations

from personae.store import crud
from personae.store._archive import export_user_archive
from personae.store._cards import (
    CARD_FIELD_MAP,
    card_from_png,
    card_to_persona,
    card_to_png,
    export_card,
    import_card,
    persona_to_card,
    read_card,
)
from personae.store._db import Database, session_scope
from personae.store._llm_log import BufferedCallLog, StoreCallLog
from personae.store._migrate import head_revision, upgrade
from personae.store._models import (
    PERSONA_FIELDS,
    ApiKey,
    AudienceCluster,
    AuditLog,
    AuthSession,
    Base,
    ChatMessage,
    ChatSession,
    CoreTrait,
    EngagementEvent,
    Job,
    LearningEpisode,
    LlmResponse,
    LlmUsage,
    Memory,
    MemoryHygiene,
    Persona,
    PersonaAnalysisResult,
    PersonaConfiguration,
    PersonaLabel,
    PersonaMetric,
    PersonaValidationResult,
    PersonaVersion,
    PlatformPersona,
    PolicyState,
    Strategy,
    StrategyEdge,
    Trait,
    TraitProposal,
    User,
)
from personae.store._schemas import (
    MAX_INT,
    NAME_PATTERN,
    ApiKeyPublic,
    FieldChange,
    JsonObject,
    PersonaCreate,
    PersonaDiff,
    PersonaFields,
    PersonaPublic,
    PersonaUpdate,
    PersonaVersionPublic,
    SyncIssue,
    SyncReport,
    UserCreate,
    UserPublic,
)
from personae.store._sync import (
    dump_definitions,
    export_definitions,
    load_definitions,
    sync_definitions,
)
from personae.store.crud import delete_user

__all__ = [
    "CARD_FIELD_MAP",
    "MAX_INT",
    "NAME_PATTERN",
    "PERSONA_FIELDS",
    "ApiKey",
    "ApiKeyPublic",
    "AudienceCluster",
    "AuditLog",
    "AuthSession",
    "Base",
    "BufferedCallLog",
    "ChatMessage",
    "ChatSession",
    "CoreTrait",
    "Database",
    "EngagementEvent",
    "FieldChange",
    "Job",
    "JsonObject",
    "LearningEpisode",
    "LlmResponse",
    "LlmUsage",
    "Memory",
    "MemoryHygiene",
    "Persona",
    "PersonaAnalysisResult",
    "PersonaConfiguration",
    "PersonaCreate",
    "PersonaDiff",
    "PersonaFields",
    "PersonaLabel",
    "PersonaMetric",
    "PersonaPublic",
    "PersonaUpdate",
    "PersonaValidationResult",
    "PersonaVersion",
    "PersonaVersionPublic",
    "PlatformPersona",
    "PolicyState",
    "StoreCallLog",
    "Strategy",
    "StrategyEdge",
    "SyncIssue",
    "SyncReport",
    "Trait",
    "TraitProposal",
    "User",
    "UserCreate",
    "UserPublic",
    "card_from_png",
    "card_to_persona",
    "card_to_png",
    "crud",
    "delete_user",
    "dump_definitions",
    "export_card",
    "export_definitions",
    "export_user_archive",
    "head_revision",
    "import_card",
    "load_definitions",
    "persona_to_card",
    "read_card",
    "session_scope",
    "sync_definitions",
    "upgrade",
]
