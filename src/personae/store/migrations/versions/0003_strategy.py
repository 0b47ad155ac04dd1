"""Strategy learning: engagement events, strategies and their graph, learning episodes,
audience clusters and policy state.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audience_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("characteristics", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("embedding", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("members", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_audience_clusters_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["persona_id"],
            ["personas.id"],
            name=op.f("fk_audience_clusters_persona_id_personas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audience_clusters")),
    )
    op.create_index(
        "idx_audience_clusters_persona", "audience_clusters", ["persona_id"], unique=False
    )
    op.create_index(
        op.f("ix_audience_clusters_owner_id"), "audience_clusters", ["owner_id"], unique=False
    )

    op.create_table(
        "policy_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("policy", sa.String(length=50), nullable=False),
        sa.Column("state", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_policy_states_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["persona_id"],
            ["personas.id"],
            name=op.f("fk_policy_states_persona_id_personas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_states")),
        sa.UniqueConstraint(
            "persona_id", "policy", name=op.f("uq_policy_states_persona_id_policy")
        ),
    )
    op.create_index(op.f("ix_policy_states_owner_id"), "policy_states", ["owner_id"], unique=False)

    op.create_table(
        "strategies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("arm_key", sa.String(length=600), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("format", sa.String(length=100), nullable=False),
        sa.Column("tone", sa.String(length=100), nullable=False),
        sa.Column("posting_hour", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("embedding", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("embedding_model", sa.String(length=300), nullable=True),
        sa.Column("performance", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("success_score", sa.Float(), nullable=True),
        sa.Column("pulls", sa.Integer(), nullable=False),
        sa.Column("rewards", sa.Integer(), nullable=False),
        sa.Column("audience_cluster_ids", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_strategies_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["persona_id"],
            ["personas.id"],
            name=op.f("fk_strategies_persona_id_personas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategies")),
        sa.UniqueConstraint("persona_id", "arm_key", name=op.f("uq_strategies_persona_id_arm_key")),
    )
    op.create_index(op.f("ix_strategies_owner_id"), "strategies", ["owner_id"], unique=False)

    op.create_table(
        "engagement_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=50), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("content_id", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Integer(), nullable=False),
        sa.Column("saves", sa.Integer(), nullable=False),
        sa.Column("impressions", sa.Integer(), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.Column("conversions", sa.Integer(), nullable=False),
        sa.Column("audience_member_id", sa.String(length=200), nullable=True),
        sa.Column("strategy_id", sa.Integer(), nullable=True),
        sa.Column("content_cost", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_engagement_events_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["persona_id"],
            ["personas.id"],
            name=op.f("fk_engagement_events_persona_id_personas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_engagement_events_strategy_id_strategies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_events")),
        sa.UniqueConstraint(
            "owner_id",
            "platform",
            "external_id",
            name=op.f("uq_engagement_events_owner_id_platform_external_id"),
        ),
    )
    op.create_index(
        "idx_engagement_events_persona_content",
        "engagement_events",
        ["persona_id", "platform", "content_id"],
        unique=False,
    )
    op.create_index(
        "idx_engagement_events_persona_occurred",
        "engagement_events",
        ["persona_id", "occurred_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_engagement_events_strategy_id"), "engagement_events", ["strategy_id"], unique=False
    )

    op.create_table(
        "learning_episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("policy", sa.String(length=50), nullable=False),
        sa.Column("state", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("action", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("reward", sa.Float(), nullable=True),
        sa.Column("reward_components", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("next_state", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rewarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_learning_episodes_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["persona_id"],
            ["personas.id"],
            name=op.f("fk_learning_episodes_persona_id_personas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_learning_episodes_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_episodes")),
    )
    op.create_index(
        "idx_learning_episodes_persona_timestamp",
        "learning_episodes",
        ["persona_id", "timestamp"],
        unique=False,
    )
    op.create_index(
        op.f("ix_learning_episodes_owner_id"), "learning_episodes", ["owner_id"], unique=False
    )
    op.create_index(
        op.f("ix_learning_episodes_strategy_id"), "learning_episodes", ["strategy_id"], unique=False
    )

    op.create_table(
        "strategy_edges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("from_strategy_id", sa.Integer(), nullable=False),
        sa.Column("to_strategy_id", sa.Integer(), nullable=False),
        sa.Column("transitions", sa.Integer(), nullable=False),
        sa.Column("transition_probability", sa.Float(), nullable=False),
        sa.Column("context_similarity", sa.Float(), nullable=False),
        sa.Column("performance_improvement", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_strategy_id"],
            ["strategies.id"],
            name=op.f("fk_strategy_edges_from_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_strategy_edges_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["persona_id"],
            ["personas.id"],
            name=op.f("fk_strategy_edges_persona_id_personas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_strategy_id"],
            ["strategies.id"],
            name=op.f("fk_strategy_edges_to_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy_edges")),
        sa.UniqueConstraint(
            "from_strategy_id",
            "to_strategy_id",
            name=op.f("uq_strategy_edges_from_strategy_id_to_strategy_id"),
        ),
    )
    op.create_index(
        op.f("ix_strategy_edges_owner_id"), "strategy_edges", ["owner_id"], unique=False
    )
    op.create_index(
        op.f("ix_strategy_edges_persona_id"), "strategy_edges", ["persona_id"], unique=False
    )
    op.create_index(
        op.f("ix_strategy_edges_to_strategy_id"), "strategy_edges", ["to_strategy_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_strategy_edges_to_strategy_id"), table_name="strategy_edges")
    op.drop_index(op.f("ix_strategy_edges_persona_id"), table_name="strategy_edges")
    op.drop_index(op.f("ix_strategy_edges_owner_id"), table_name="strategy_edges")

    op.drop_table("strategy_edges")
    op.drop_index(op.f("ix_learning_episodes_strategy_id"), table_name="learning_episodes")
    op.drop_index(op.f("ix_learning_episodes_owner_id"), table_name="learning_episodes")
    op.drop_index("idx_learning_episodes_persona_timestamp", table_name="learning_episodes")

    op.drop_table("learning_episodes")
    op.drop_index(op.f("ix_engagement_events_strategy_id"), table_name="engagement_events")
    op.drop_index("idx_engagement_events_persona_occurred", table_name="engagement_events")
    op.drop_index("idx_engagement_events_persona_content", table_name="engagement_events")

    op.drop_table("engagement_events")
    op.drop_index(op.f("ix_strategies_owner_id"), table_name="strategies")

    op.drop_table("strategies")
    op.drop_index(op.f("ix_policy_states_owner_id"), table_name="policy_states")

    op.drop_table("policy_states")
    op.drop_index(op.f("ix_audience_clusters_owner_id"), table_name="audience_clusters")
    op.drop_index("idx_audience_clusters_persona", table_name="audience_clusters")

    op.drop_table("audience_clusters")
