"""Strategy learning: engagement in, rewards, a bandit policy, a strategy memory graph
and audience clusters out (seed 003, PePR).

The loop: import engagement (:class:`EngagementRow`, validated row by row), measure it
against per-platform baselines, turn it into seed 003's reward
(:func:`compute_reward`, weights per creator), update a bandit policy over strategies
(topic × format × tone × posting hour × platform: :class:`ArmSpace`), and recommend the
next strategy with its estimated reward, uncertainty, confidence and similar past
strategies. :class:`StrategyService` runs the loop on the store; the numeric parts
(policies, clustering, normalisation) are plain functions and classes on numpy arrays.

>>> from personae.strategy import ArmSpace, build_context, build_policy
>>> from datetime import UTC, datetime
>>> policy = build_policy("linucb", seed=0)
>>> arms = ArmSpace(topics=["ai"], formats=["video", "text"], posting_hours=[9]).arms()
>>> context = build_context(when=datetime(2026, 1, 5, tzinfo=UTC))
>>> choice = policy.select(arms, context)
>>> policy.update(arms[choice.index].key, arms[choice.index].attributes, context, 1.2)
"""

from __future__ import annotations

from personae.strategy._arms import (
    ATTRIBUTES,
    DEFAULT_FORMATS,
    DEFAULT_POSTING_HOURS,
    DEFAULT_TONES,
    MAX_ARMS,
    Arm,
    ArmSet,
    ArmSpace,
)
from personae.strategy._clustering import (
    MIN_MEMBERS,
    AudienceFeatures,
    ClusteringResult,
    ClusterSummary,
    audience_features,
    cluster_audience,
    match_clusters,
)
from personae.strategy._context import (
    MAX_CLUSTER_SLOTS,
    Context,
    build_context,
    context_similarity,
)
from personae.strategy._engagement import (
    DEFAULT_BASELINES,
    MAX_ROWS,
    ContentMetrics,
    EngagementRow,
    PlatformBaseline,
    RejectedRow,
    content_metrics,
    parse_engagement_file,
    platform_baselines,
    reward_components,
    validate_rows,
)
from personae.strategy._explain import probability_best
from personae.strategy._policies import (
    DEFAULT_POLICY,
    POLICY_NAMES,
    Choice,
    EpsilonGreedy,
    LinUCB,
    Policy,
    PolicyName,
    RandomPolicy,
    ThompsonSampling,
    build_policy,
    policy_from_state,
)
from personae.strategy._results import (
    AttributeStats,
    ClusterInfo,
    ContentBrief,
    EpisodeInfo,
    Explanation,
    FeatureContribution,
    FeedbackResult,
    ImportReport,
    NextStrategy,
    PerformanceReport,
    PlatformStats,
    Recommendation,
    RejectedRowInfo,
    RewardPoint,
    SimilarStrategy,
    StrategyArm,
    StrategyStats,
)
from personae.strategy._reward import (
    DEFAULT_WEIGHTS,
    RewardComponents,
    RewardWeights,
    compute_reward,
)
from personae.strategy._service import StrategyService

__all__ = [
    "ATTRIBUTES",
    "DEFAULT_BASELINES",
    "DEFAULT_FORMATS",
    "DEFAULT_POLICY",
    "DEFAULT_POSTING_HOURS",
    "DEFAULT_TONES",
    "DEFAULT_WEIGHTS",
    "MAX_ARMS",
    "MAX_CLUSTER_SLOTS",
    "MAX_ROWS",
    "MIN_MEMBERS",
    "POLICY_NAMES",
    "Arm",
    "ArmSet",
    "ArmSpace",
    "AttributeStats",
    "AudienceFeatures",
    "Choice",
    "ClusterInfo",
    "ClusterSummary",
    "ClusteringResult",
    "ContentBrief",
    "ContentMetrics",
    "Context",
    "EngagementRow",
    "EpisodeInfo",
    "EpsilonGreedy",
    "Explanation",
    "FeatureContribution",
    "FeedbackResult",
    "ImportReport",
    "LinUCB",
    "NextStrategy",
    "PerformanceReport",
    "PlatformBaseline",
    "PlatformStats",
    "Policy",
    "PolicyName",
    "RandomPolicy",
    "Recommendation",
    "RejectedRow",
    "RejectedRowInfo",
    "RewardComponents",
    "RewardPoint",
    "RewardWeights",
    "SimilarStrategy",
    "StrategyArm",
    "StrategyService",
    "StrategyStats",
    "ThompsonSampling",
    "audience_features",
    "build_context",
    "build_policy",
    "cluster_audience",
    "compute_reward",
    "content_metrics",
    "context_similarity",
    "match_clusters",
    "parse_engagement_file",
    "platform_baselines",
    "policy_from_state",
    "probability_best",
    "reward_components",
    "validate_rows",
]
