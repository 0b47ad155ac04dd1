"""Content library and calendar: pieces (with edit history and publish attempts),
publishers, calendar feeds and A/B experiments of persona versions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _time(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{columns[0]}"), table, list(columns), unique=False)


def _owned(table: str) -> list[sa.Constraint]:
    """The owner column's foreign key and primary key every table here has."""
    return [
        _fk(table, "owner_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "content_experiments",
        _id(),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("platform", sa.String(length=50), nullable=False),
        sa.Column("variants", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        _time("created_at"),
        _time("stopped_at", nullable=True),
        *_owned("content_experiments"),
        _fk("content_experiments", "persona_id", "personas", "CASCADE"),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_content_experiments_owner_id_name")),
    )
    _index("content_experiments", "owner_id")
    _index("content_experiments", "persona_id")

    op.create_table(
        "content_pieces",
        _id(),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("persona_version", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=50), nullable=False),
        sa.Column("brief", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=True),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("experiment_id", sa.Integer(), nullable=True),
        sa.Column("variant", sa.String(length=100), nullable=True),
        sa.Column("quality", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("quality_score", sa.Float(), nullable=True),
        sa.Column("style_match", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        _time("scheduled_at", nullable=True),
        _time("published_at", nullable=True),
        sa.Column("publisher", sa.String(length=50), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("external_url", sa.String(length=2000), nullable=True),
        sa.Column("publish_error", sa.Text(), nullable=True),
        _time("settled_at", nullable=True),
        sa.Column("reward", sa.Float(), nullable=True),
        _time("created_at"),
        _time("updated_at"),
        *_owned("content_pieces"),
        _fk("content_pieces", "persona_id", "personas", "CASCADE"),
        _fk("content_pieces", "strategy_id", "strategies", "SET NULL"),
        _fk("content_pieces", "episode_id", "learning_episodes", "SET NULL"),
        _fk("content_pieces", "experiment_id", "content_experiments", "SET NULL"),
        sa.UniqueConstraint(
            "owner_id",
            "platform",
            "external_id",
            name=op.f("uq_content_pieces_owner_id_platform_external_id"),
        ),
    )
    op.create_index(
        "idx_content_pieces_owner_status",
        "content_pieces",
        ["owner_id", "status", "scheduled_at"],
        unique=False,
    )
    op.create_index(
        "idx_content_pieces_owner_created",
        "content_pieces",
        ["owner_id", "created_at"],
        unique=False,
    )
    for column in ("persona_id", "strategy_id", "episode_id", "experiment_id"):
        _index("content_pieces", column)

    op.create_table(
        "content_edits",
        _id(),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("piece_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("fed_back", sa.Boolean(), nullable=False),
        _time("created_at"),
        *_owned("content_edits"),
        _fk("content_edits", "piece_id", "content_pieces", "CASCADE"),
    )
    _index("content_edits", "owner_id")
    _index("content_edits", "piece_id")

    op.create_table(
        "publishers",
        _id(),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("config", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=True),
        _time("created_at"),
        *_owned("publishers"),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_publishers_owner_id_name")),
    )
    _index("publishers", "owner_id")

    op.create_table(
        "publish_attempts",
        _id(),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("piece_id", sa.Integer(), nullable=False),
        sa.Column("publisher", sa.String(length=50), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        _time("created_at"),
        *_owned("publish_attempts"),
        _fk("publish_attempts", "piece_id", "content_pieces", "CASCADE"),
    )
    _index("publish_attempts", "owner_id")
    _index("publish_attempts", "piece_id")

    op.create_table(
        "calendar_feeds",
        _id(),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _time("created_at"),
        *_owned("calendar_feeds"),
        sa.UniqueConstraint("owner_id", name=op.f("uq_calendar_feeds_owner_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )


def downgrade() -> None:
    for table in (
        "calendar_feeds",
        "publish_attempts",
        "publishers",
        "content_edits",
        "content_pieces",
        "content_experiments",
    ):
        op.drop_table(table)
