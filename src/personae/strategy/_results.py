"""What the strategy service returns: recommendations with their explanation, feedback,
import reports, performance, clusters and episodes.

Plain pydantic models, so the HTTP API uses them as response models as they are and the
CLI prints them or their JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from personae.strategy._reward import RewardComponents, RewardWeights

__all__ = [
    "AttributeStats",
    "ClusterInfo",
    "ContentBrief",
    "EpisodeInfo",
    "Explanation",
    "FeatureContribution",
    "FeedbackResult",
    "ImportReport",
    "NextStrategy",
    "PerformanceReport",
    "PlatformStats",
    "Recommendation",
    "RejectedRowInfo",
    "RewardPoint",
    "SimilarStrategy",
    "StrategyArm",
    "StrategyStats",
]


class StrategyArm(BaseModel):
    """The five choices of a strategy."""

    topic: str
    format: str
    tone: str
    posting_hour: int = Field(ge=0, le=23, description="Hour of the day, UTC.")
    platform: str


class ContentBrief(BaseModel):
    """A brief content generation takes as it is (``POST /api/content/generate``'s brief)."""

    topic: str
    format: str
    tone: str
    platform: str
    posting_hour: int = Field(ge=0, le=23, description="When to publish, hour of day (UTC).")
    instructions: str = Field(description="The brief in one paragraph, for a writer or an LLM.")


class SimilarStrategy(BaseModel):
    """A past strategy of the creator close to this one, and how it did."""

    strategy_id: int
    description: str
    similarity: float = Field(description="Cosine similarity of the descriptions' embeddings.")
    success_score: float | None = Field(description="Mean reward it earned.")
    rewards: int = Field(description="How many rewards that mean rests on.")


class FeatureContribution(BaseModel):
    """One learned effect behind an estimate (LinUCB): ``cluster:1*format:video`` → +0.21."""

    feature: str
    contribution: float


class Explanation(BaseModel):
    """Why this strategy: the policy's estimate, its uncertainty, what it rests on."""

    summary: str
    estimated_reward: float
    uncertainty: float = Field(description="Standard deviation of the estimate.")
    confidence: float = Field(
        ge=0.0,
        le=1.0,
        description=(
            "Probability that this is the best candidate, under the policy's estimates and "
            "uncertainties (Monte Carlo over independent normals)."
        ),
    )
    explored: bool = Field(
        description="Picked to learn more (exploration), not as the best current estimate."
    )
    candidates: int
    observations: int = Field(description="Rewards the policy has learned from so far.")
    top_features: list[FeatureContribution] = Field(default_factory=list)
    similar_strategies: list[SimilarStrategy] = Field(default_factory=list)
    alternatives: list[dict[str, Any]] = Field(
        default_factory=list, description="The next best candidates, with their estimates."
    )


class Recommendation(BaseModel):
    """A strategy to play now, how to act on it, and why."""

    strategy_id: int
    episode_id: int
    creator_id: int
    policy: str
    strategy: StrategyArm
    description: str
    content_brief: ContentBrief
    estimated_reward: float
    uncertainty: float
    confidence: float = Field(ge=0.0, le=1.0)
    explanation: Explanation
    context: dict[str, float] = Field(description="The decision's context features.")
    audience_cluster_id: int | None
    decided_at: datetime


class RejectedRowInfo(BaseModel):
    """A row that was not imported: its number, the field and why."""

    row: int
    field: str | None
    message: str
    external_id: str | None = None


class ImportReport(BaseModel):
    """What an engagement import did, row by row."""

    creator_id: int
    received: int
    inserted: int
    updated: int
    unchanged: int
    rejected: list[RejectedRowInfo]

    @property
    def accepted(self) -> int:
        return self.inserted + self.updated + self.unchanged


class FeedbackResult(BaseModel):
    """The reward a decision earned, what it was computed from, and what was learned."""

    episode_id: int
    strategy_id: int
    creator_id: int
    policy: str
    reward: float
    components: RewardComponents
    weights: RewardWeights
    success_score: float | None = Field(description="The strategy's mean reward now.")
    rewards: int = Field(description="Rewards the strategy has earned so far.")
    policy_updates: int = Field(description="Rewards the policy has learned from so far.")


class RewardPoint(BaseModel):
    episode_id: int
    strategy_id: int
    decided_at: datetime
    reward: float
    running_mean: float


class StrategyStats(BaseModel):
    strategy_id: int
    description: str
    strategy: StrategyArm
    success_score: float | None
    rewards: int
    pulls: int
    performance: dict[str, Any]


class AttributeStats(BaseModel):
    dimension: str
    value: str
    count: int
    mean_reward: float


class PlatformStats(BaseModel):
    platform: str
    content_count: int
    baseline_engagement_rate: float = Field(description="What counts as typical (1.0).")
    prior_engagement_rate: float
    measured_median_engagement_rate: float | None
    mean_normalised_engagement_rate: float | None
    mean_reach_velocity: float | None = Field(description="Reach per hour after publication.")
    mean_reach_growth: float | None


class PerformanceReport(BaseModel):
    """How the creator's strategies performed and what the policy has learned."""

    creator_id: int
    policy: str
    policy_updates: int
    weights: RewardWeights
    episodes: int
    rewarded_episodes: int
    mean_reward: float | None
    recent_mean_reward: float | None = Field(description="Mean of the last 10 rewards.")
    first_mean_reward: float | None = Field(description="Mean of the first 10 rewards.")
    rewards: list[RewardPoint] = Field(description="The last 100 rewards, oldest first.")
    best_strategies: list[StrategyStats]
    by_attribute: list[AttributeStats]
    platforms: list[PlatformStats]
    engagement_events: int
    audience_clusters: int


class ClusterInfo(BaseModel):
    """An audience cluster as seed 003 describes it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    creator_id: int
    slot: int | None = Field(description="Its context feature in the policy (0..7).")
    size: int
    peak_engagement_hours: list[int]
    preferred_content_types: list[str]
    avg_engagement_rate: float | None
    embedding: list[float] = Field(description="Centroid of the members' features.")
    characteristics: dict[str, Any]
    updated_at: datetime


class EpisodeInfo(BaseModel):
    """One decision and, once measured, its reward (state, action, reward, next_state)."""

    id: int
    creator_id: int
    strategy_id: int
    policy: str
    state: dict[str, Any]
    action: dict[str, Any]
    reward: float | None
    reward_components: dict[str, Any] | None
    next_state: dict[str, Any] | None
    timestamp: datetime
    rewarded_at: datetime | None


class NextStrategy(BaseModel):
    """A strategy to follow another with, from the graph's transitions."""

    strategy_id: int
    description: str
    predicted_reward: float | None
    transition_probability: float | None
    transitions: int
    performance_improvement: float | None
    context_similarity: float | None
    source: str = Field(description="'transition' (an edge of the graph) or 'similar'.")
