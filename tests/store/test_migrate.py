"""Migrating a blank database gives exactly the schema the models declare."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from personae.config import get_settings
from personae.store import Base, Database, head_revision, upgrade

TABLES = {
    "users",
    "api_keys",
    "auth_sessions",
    "personas",
    "persona_versions",
    "persona_labels",
    "platform_personas",
    "persona_analysis_results",
    "persona_validation_results",
    "persona_metrics",
    "persona_configurations",
    "traits",
    "audit_log",
    "llm_responses",
    "llm_usage",
    "jobs",
    "engagement_events",
    "strategies",
    "strategy_edges",
    "learning_episodes",
    "audience_clusters",
    "policy_states",
    "core_traits",
    "trait_proposals",
    "chat_sessions",
    "messages",
    "memories",
    "memory_hygiene",
    "content_experiments",
    "content_pieces",
    "content_edits",
    "publishers",
    "publish_attempts",
    "calendar_feeds",
}

# The seed's lookup indexes, adapted to our table names: (table, name, columns).
SEED_INDEXES = [
    ("personas", "idx_personas_owner_active", ["owner_id", "is_active"]),
    ("platform_personas", "idx_platform_personas_persona_platform", ["persona_id", "platform"]),
    (
        "persona_analysis_results",
        "idx_analysis_results_persona_type",
        ["persona_id", "analysis_type"],
    ),
    (
        "persona_validation_results",
        "idx_validation_results_persona_status",
        ["persona_id", "validation_status"],
    ),
]

UNIQUE = [
    ("users", ["email"]),
    ("api_keys", ["key_hash"]),
    ("personas", ["owner_id", "name"]),
    ("persona_versions", ["persona_id", "version"]),
    ("persona_labels", ["persona_id", "label"]),
    ("persona_configurations", ["persona_id", "key"]),
    ("traits", ["persona_id", "name"]),
]

CASCADING_CHILDREN = [
    "persona_versions",
    "persona_labels",
    "platform_personas",
    "persona_analysis_results",
    "persona_validation_results",
    "persona_metrics",
    "persona_configurations",
    "traits",
]


def test_blank_database_is_at_no_revision(database_url: str) -> None:
    with Database(database_url) as db:
        assert db.current_revision() is None
        assert inspect(db.engine).get_table_names() == []


def test_upgrade_reaches_head_and_is_idempotent(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)  # a second run is a no-op, not an error
    with Database(database_url) as db:
        assert db.current_revision() == head_revision() is not None
        assert set(inspect(db.engine).get_table_names()) == TABLES | {"alembic_version"}


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert set(Base.metadata.tables) == TABLES


@pytest.mark.parametrize(("table", "name", "columns"), SEED_INDEXES)
def test_seed_indexes_exist(db: Database, table: str, name: str, columns: list[str]) -> None:
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes(table)}
    assert indexes.get(name) == columns


@pytest.mark.parametrize(("table", "columns"), UNIQUE)
def test_unique_constraints_exist(db: Database, table: str, columns: list[str]) -> None:
    inspector = inspect(db.engine)
    uniques = [uc["column_names"] for uc in inspector.get_unique_constraints(table)]
    uniques += [ix["column_names"] for ix in inspector.get_indexes(table) if ix["unique"]]
    assert columns in uniques


@pytest.mark.parametrize("table", CASCADING_CHILDREN)
def test_persona_children_cascade_on_delete(db: Database, table: str) -> None:
    fks = inspect(db.engine).get_foreign_keys(table)
    to_personas = [fk for fk in fks if fk["referred_table"] == "personas"]
    assert len(to_personas) == 1
    assert to_personas[0]["constrained_columns"] == ["persona_id"]
    assert (to_personas[0]["options"].get("ondelete") or "").upper() == "CASCADE"


@pytest.mark.parametrize("table", ["personas", "api_keys"])
def test_owned_tables_cascade_from_users(db: Database, table: str) -> None:
    (fk,) = inspect(db.engine).get_foreign_keys(table)
    assert fk["referred_table"] == "users"
    assert fk["constrained_columns"] == ["owner_id"]
    assert fk["options"]["ondelete"].upper() == "CASCADE"


def test_upgrade_without_a_url_uses_the_settings_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no alembic.ini here: the packaged migrations are used
    monkeypatch.setenv("PERSONAE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PERSONAE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        upgrade()
        with Database() as db:
            assert db.current_revision() == head_revision()
        assert (tmp_path / "data" / "personae.db").is_file()
    finally:
        get_settings.cache_clear()
