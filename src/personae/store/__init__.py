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

Design notes
============

`personae.store`
----------------

SQLite by default (`<data_dir>/personae.db`), PostgreSQL when `PERSONAE_DATABASE_URL`
says so; both share one schema because every type is portable (`JSON`, not `JSONB`;
timestamps stored in UTC through one `UTCDateTime` type that always reads back aware).

- **Tables** (the `_models/` package, one private module per entity group, typed
  `Mapped[...]`): `users`, `api_keys`, `personas`,
  `persona_versions`, `persona_labels`, `platform_personas`, `persona_analysis_results`,
  `persona_validation_results`, `persona_metrics`, `persona_configurations`, `traits`,
  `audit_log`. Every owned row is reachable from a user: `personas.owner_id` and
  `api_keys.owner_id` reference `users` and every persona facet references `personas`,
  all `ON DELETE CASCADE`, so deleting a user or a persona is one `DELETE` and the
  database removes the rest (SQLite gets `PRAGMA foreign_keys=ON` and WAL on connect).
  The seed's lookup indexes exist under their seed names. Beyond the design's persona
  columns there are `scenario`, `greeting`, `example_dialogue` and `card_extensions`,
  which character cards need (below).
- **Schemas** (`_schemas.py`, pydantic v2) are apart from the tables: `PersonaCreate`,
  `PersonaUpdate` (carries the `version` the caller read, and a history `message`),
  `PersonaPublic`, `PersonaVersionPublic`, `PersonaDiff`, `UserCreate`, `UserPublic` (no
  hash), `ApiKeyPublic`, `SyncReport`. They validate once, before the database: names are
  1..100 of `[A-Za-z0-9 _.-]`, text is bounded, scores are in 0..1, and
  `linguistic_fingerprint` must parse as a `StyleProfile`, so it is always measured.
  Values some backend cannot hold are refused here too, so they fail the same way on
  SQLite and PostgreSQL: NUL characters in text (PostgreSQL's `text` cannot hold them),
  in JSON fields anything but JSON (NaN and Infinity, which PostgreSQL's `json` refuses;
  YAML's dates; non-string keys, which would come back as strings so a re-sync would
  never settle), and versions above `MAX_INT` (2³¹−1, PostgreSQL's `integer`). Under the
  schemas,
  `session_scope` turns any remaining `DataError` into an `InputError`, so a value that
  does not fit its column is never an unexplained database error.
- **One write path**: `crud` (a package: one private module per entity). Every function
  takes a keyword-only `session=` and only flushes. `session_scope(database)` is the unit
  of work that commits or rolls back,
  so an API request or a CLI command is one transaction and callers never commit. The
  owner-scoped reads live there too (`get_persona`, `history`, and for the facets
  `get_platform_persona`, `list_platform_personas`, `list_validation_results`,
  `list_analysis_results`, `list_metrics`): each first checks the persona is the
  owner's. Every
  write appends an `audit_log` row, and every persona change appends an immutable
  `persona_versions` row with the full snapshot, author and message. Reads are scoped by
  owner: another owner's persona raises `PersonaNotFoundError`, like a missing one.
- **Optimistic concurrency**: `update_persona` runs
  `UPDATE personas … WHERE id = :id AND owner_id = :owner AND version = :expected`.
  When two transactions read the same version, the database lets only one of them match
  the row. The other matches nothing and raises `VersionConflictError` before it writes
  its version or audit rows. `rollback(to_version=n)` writes a *new* version equal to n,
  so history is never rewritten. Labels (`production`, `staging`) point at versions.
- **Migrations**: Alembic in `store/migrations/` (shipped as package data with
  `alembic.ini`). `env.py` takes the metadata from the models and the URL from
  `Settings.resolved_database_url()` (or from a connection handed over by
  `upgrade(url=None)`, which needs no ini file in the working directory). One revision,
  `0001`, creates everything. `tests/store/test_migrate.py` migrates a blank database and
  compares it with the models (Alembic's `compare_metadata` must find nothing), then checks
  the tables, the seed indexes, the unique constraints and the cascades.
- **Definitions sync** (`_sync.py`) reads the canonical `{"personas": [...]}` layout,
  which `export_definitions` writes, and G1's `personas_definitions.json` layout (a map from
  name to definition). Both can be JSON or YAML. It upserts by name through `crud`, in
  one transaction that is rolled back on any failure. A second run reports 0 changes.
  `dry_run` returns the field diffs and writes nothing. `prune` deactivates and never
  deletes. Invalid entries are reported with their path (`personas[3].name`) and skipped,
  and they are never pruned. With `strict`, one invalid entry refuses the whole file.
  Fields an entry leaves out are kept, except that being in the file means active.
- **Character cards** (`_cards.py`), V2 and V3, as JSON or as PNG with a base64 `tEXt`
  chunk (`chara` / `ccv3`). The chunks are read and written with struct + zlib, so the
  store does not depend on Pillow. Card `name` maps to `display_name` (`name` is an ASCII
  slug of it), `description` to `context`, `personality` to `core_belief`, `scenario` to
  `scenario`, `first_mes` to `greeting`, `mes_example` to `example_dialogue`,
  `system_prompt` to `system_prompt` and `tags` to `expertise`. Everything else is kept
  verbatim in `card_extensions`: the other fields, unknown keys, and which mapped keys
  were absent. So V2 → persona → V2 and V3 → persona → V3 give equal JSON.
- **GDPR**: `export_user_archive` returns everything a user owns as one JSON-serialisable
  object. It leaves out the password and key hashes, which are credentials rather than
  personal information. `crud.delete_user` relies on the cascades. The user's own audit
  trail goes too, and one `erase` audit row records the deletion by id only.
- Password hashing, JWT and API-key checking live in `personae.auth` and are wired by the
  API layer. The store keeps only the hashes it is given (`crud.find_api_keys(prefix=…)`
  returns the candidates to verify).
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
