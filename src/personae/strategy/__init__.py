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

Design notes
============

`personae.strategy`: engagement in, a bandit policy and a strategy graph out
----------------------------------------------------------------------------

Seed 003 (PePR)'s learning loop: *performance data → reward → policy update → strategy
generation → content → performance data*. One module per job; numpy and scikit-learn;
state in the store. `StrategyService(session=, owner_id=, embedder=, policy=, seed=,
clock=)` runs the loop in one unit of work; everything else is plain functions and
classes. A **creator** is one of the owner's personas (`creator_id` = persona id), and
every call is owner-scoped like the persona routes.

- module — one job
- `_engagement.py` — `EngagementRow` (one event: a counters snapshot, or one audience
  member's interaction), `validate_rows` (row by row: number, field, reason),
  `parse_engagement_file` (CSV numbered by line, JSON array or `{"events": […]}`),
  `content_metrics` (totals per piece: per counter the larger of the latest snapshot and
  the sum of member interactions), per-platform baselines, engagement rate, reach
  velocity, reach growth, `reward_components`
- `_reward.py` — `compute_reward` = `w1*engagement_rate + w2*reach_growth +
  w3*conversion_rate - w4*content_cost`, exactly the seed's; `RewardWeights` per creator
  (defaults 1, 0.5, 5, 0.1)
- `_arms.py` — `Arm` (topic × format × tone × posting hour (UTC) × platform): key,
  attribute names, description, `content_brief`; `ArmSpace` (the options; their product,
  at most 5,000 arms)
- `_context.py` — `Context`: named features `bias`, `weekend`, `cluster:<slot>`,
  `momentum`
- `_policies.py` — `RandomPolicy`, `EpsilonGreedy` (the seed's, with decay),
  `ThompsonSampling` (Gaussian), `LinUCB` (contextual); `to_state`/`policy_from_state`
- `_arrays.py` — numpy arrays as JSON (base64 of little-endian float64: exact)
- `_clustering.py` — audience features, `cluster_audience` (K-Means then HDBSCAN),
  `match_clusters` (Hungarian)
- `_graph.py` — the strategy memory graph's queries on arrays: `similar_successful`,
  `rank_next`
- `_explain.py` — `probability_best` (the confidence) and the one-paragraph summary
- `_results.py` — the pydantic results the API and CLI return as they are
- `_service.py` — `StrategyService`: ingest, recommend, feedback, current, performance,
  recluster, similar, best next, weights, rebuild

**Engagement.** Rows are validated one by one; good ones are written, bad ones come back
as `{row, field, message, external_id}` (CSV rows numbered by file line). Ingestion is
idempotent on `(owner, platform, external_id)`: the same row again is `unchanged`, with
new values `updated`; an external id already imported for another of the owner's
personas, or a `strategy_id` the persona does not have, is a rejected row, never a
silent move. `crud.upsert_engagement_events` works in chunks of 500 keys (one `SELECT …
IN`, one bulk `INSERT`), so a 100k-row file is a few hundred statements, and writes one
audit row per batch. The engagement rate is interactions per reach (impressions when no
reach), divided by the **platform baseline**: the creator's median rate on that
platform, shrunk toward a prior per platform (`DEFAULT_BASELINES`, rough published
averages) with the weight of 5 pieces, so 1.0 means "typical for this creator on this
platform" and platforms become comparable. Reach growth compares a piece's reach with
the mean of the creator's previous 10 pieces on the platform; reach velocity is reach
per hour from publication to the latest snapshot; `momentum` (the mean growth of the
last 5 pieces, clipped to −1..1) is the creator feature of the policy's context.

**Reward.** The seed's formula, with the inputs above: normalised engagement rate and
reach growth averaged over the strategy's pieces, conversions pooled over their reach,
the mean cost per piece (in the creator's unit; 0 when not given). Weights live in
`persona_configurations` under `strategy.reward_weights` (a keyed JSON setting of the
persona is what that table is for, and it already cascades and is exported), read by
`crud.get_reward_weights`, written through `crud.set_configuration`.

**Policies.** Arms share one interface: `select(arms, context) → Choice` (index,
explored, every candidate's mean, sd and score), `estimate`, `update(key, attributes,
context, reward)`, `to_state()`.
- `EpsilonGreedy`: per-arm sample means; explores with probability
  `max(min_epsilon, epsilon·decay^n)`, `n` = rewards seen (0.5, 0.998, 0.02: the best of
  a small grid on the benchmark's simulator, so the baseline is not a straw man).
- `ThompsonSampling`: **Gaussian**, a Normal-Inverse-Gamma posterior per arm sampled
  through its Student-t marginal, prior mean = mean of all rewards seen. Gaussian because
  the reward is a weighted sum that can be negative (cost) or far above 1 (a viral post);
  Beta-Bernoulli would need it squeezed into a coin flip.
- `LinUCB` (**the default**, `PERSONAE_STRATEGY_POLICY`): one ridge regression over
  features `context feature × arm attribute` (`cluster:2*format:video`,
  `weekend*hour:9`, `bias*topic:ai`), score `θ·φ + α·√(φᵀA⁻¹φ)`, α = 1. What is learned
  about video on one topic carries over to every topic, and each audience cluster and
  the weekend get their own preferences, so it needs far fewer posts than per-arm
  policies (benchmark below). Features are named, and the model grows when a new name
  appears (a padded ridge block is exactly the model that had the feature, always zero,
  all along), so new topics or clusters never invalidate the state. A⁻¹ is kept by
  Sherman–Morrison and re-inverted every 256 updates; candidates' φ are dense rows over
  the few features any candidate uses, so scoring 5,000 arms is two small matrix
  products.

State is JSON in `policy_states` (one row per creator and policy; arrays base64-encoded,
exact), saved after each reward with an optimistic `version`: two rewards racing for
one creator end in `FeedbackConflictError` (409) for the second, never a lost update.
`select` changes nothing that needs saving. Unreadable state is rebuilt by replaying the
creator's rewarded `learning_episodes` (`rebuild_policy`, also how a creator switches
policy without losing what was measured).

**Episodes.** `recommend` writes a `learning_episodes` row: `state` (the context
features, the audience cluster, the time, the number of candidates) and `action` (the
strategy, its arm key, the policy, estimate, uncertainty, confidence, the content brief
and the explanation). `feedback` gives it `reward`, `reward_components` (with the
weights used) and `next_state` (the context when the reward was observed), once:
`complete_learning_episode` is a conditional `UPDATE … WHERE reward IS NULL`.

**Strategy memory graph.** Nodes are `strategies` rows (one per creator and arm): the
description's embedding (any `personae.vectors.Embedder`, injected; stored as a JSON list
with the embedder's name, so vectors of different models are never compared; an
embedder failure leaves a recommendation without similar strategies, not failed), and
performance (pulls, rewards, running means of every reward input, `success_score` = mean
reward, audience clusters it was played for). Edges (`strategy_edges`) link the strategy
of a creator's previous rewarded decision to the one just rewarded: transition count,
`transition_probability` (its share of the transitions out of its source),
`context_similarity` (cosine of the two decisions' contexts, running mean) and
`performance_improvement` (reward change, running mean). Queries: *similar successful
strategies* (cosine to a text or a strategy, among nodes at least as good as the
creator's median rewarded one) and *best next strategy* (edges ranked by source score +
mean improvement, shrunk toward the target's own score with the weight of 2
transitions; similar successful strategies fill in when there are no edges). With a few
thousand nodes per creator at most, a numpy scan is enough; the vector index is not used.

**Explanations.** Every recommendation carries the estimated reward, its uncertainty
(sd), a **confidence** = probability that it is the best candidate if every candidate's
reward were normal with the policy's mean and sd (Monte Carlo, 1,024 draws over the
plausible contenders, fixed seed), whether it was picked to explore, the top learned
effects (LinUCB), up to 3 similar successful past strategies, the next 3 alternatives,
and a one-paragraph summary. The `content_brief` (topic, format, tone, platform,
posting_hour, instructions, with the target audience cluster's habits) is what content
generation takes as it is.

**Audience clustering.** Features per audience member, from their interactions
(weighted by interactions per event): share per hour of day (24) and day of week (7),
weekly rhythm (share of weeks active, log interactions per active week), share per
content type (the 8 most common, the rest `other`), interaction depth (share of likes,
comments, shares, saves; log interactions). Columns are standardised and each block
scaled by `1/√width`. Stage 1: scikit-learn `KMeans`, `k` by silhouette (2..8, on a
2,000-member sample; a `k` that leaves a segment under 5 members is skipped). Stage 2:
scikit-learn `HDBSCAN` inside each segment (`allow_single_cluster`, min cluster size a
tenth of the segment, fitted on at most 3,000 members); its noise joins the nearest
dense group; groups under 5 members fold into the nearest group. Each cluster reports
`peak_engagement_hours`, `preferred_content_types` (types above a uniform share),
`avg_engagement_rate` (of the content its members touched, weighted by their
interactions), `size`, an **embedding** (the centroid of the members' raw features,
with `feature_names`: interpretable, and comparable across runs, which a standardised
centroid is not), interaction depth, weekend share and peak days. **Stable identities**:
both stages are seeded and members sorted, so unchanged data gives the same partition;
`match_clusters` pairs new clusters with stored ones by member Jaccard with
`scipy.optimize.linear_sum_assignment` (kept from 0.3 up), so a matched cluster keeps
its id and its **slot** (0..7), the `cluster:<slot>` feature of the policy's context.
New clusters take the lowest free slot. A recommendation targets a cluster (the
largest by default); default posting hours and formats include the clusters' peak hours
and preferred types.

**Store.** Tables `engagement_events`, `strategies`, `strategy_edges`,
`learning_episodes`, `audience_clusters`, `policy_states` (migration `0003`); every row
carries `owner_id` (cascading from `users`) and `persona_id` (cascading from
`personas`), so GDPR erasure removes them in the database, and
`export_user_archive` lists them under each persona. Writes go through the
`crud._engagement` and `crud._learning`.

**API** (`api/routes/strategy.py`, tag `strategy`): `POST /api/v1/engagement` (a batch of
at most 10,000 rows; each row validated on its own; 200 with the report),
`POST /api/v1/strategy/generate` (201; options left out come from the persona),
`GET /api/v1/strategy/{creator_id}/current`, `PUT /api/v1/strategy/{strategy_id}/feedback`
(`metrics`, or `content_ids`, or the content tagged with the strategy; 409 when the
decision has its reward), `GET /api/v1/strategy/{creator_id}/performance`,
`GET|POST /api/v1/strategy/{creator_id}/clusters` (list, paginated; re-cluster),
`GET /api/v1/strategy/{creator_id}/episodes` (paginated, `rewarded` filter),
`GET|PUT /api/v1/strategy/{creator_id}/weights`, `GET …/{creator_id}/similar?q=` and
`GET …/{strategy_id}/next`. The embedder is built lazily on the first embedding
(`personae.vectors.build_embedder`, once per app, on `app.state`), so requests that
embed nothing never load a model. **CLI** (`cli/_strategy.py`): `personae engagement
import FILE -p PERSONA` (progress bar from 2,000 rows; rejected rows listed by line) and
`personae strategy recommend|feedback|report|clusters`.

**Benchmark** (`benchmarks/strategy_bench.py`, simulator `benchmarks/_strategy_sim.py`):
simulated creators with hidden reward functions over 288 strategies and contexts
(audience cluster × weekend × momentum), with terms LinUCB cannot represent (topic ×
format, a residual per arm) and log-normal engagement noise, scored by
`compute_reward`. Cumulative expected regret over 5,000 rounds, mean of 20 creators, and
ARI and time of the clustering on planted audiences of 100k events, against
scikit-learn's `KMeans` on the same matrix. Last run (2 shared cores, 2 min 6 s):

- figure — personae — baseline(s), same run
- cumulative regret, 5,000 rounds, mean of 20 — LinUCB (default) 496.9 — epsilon-greedy
  1,288.1; Thompson 2,447.6; random 4,785.2
- default / epsilon-greedy — **0.386** (target ≤ 0.5)
- ARI on planted segments (3 audiences of 100k events, 4,000 members, 5 segments) —
  **0.988** (min 0.964; target ≥ 0.9) — KMeans told the same k: 0.976
- time for 100k events — 1.60 s (0.42 s of it building features from the events) — KMeans
  on the finished matrix: 0.007 s

Per-arm Thompson sampling loses to the tuned epsilon-greedy here: with 288 arms and
5,000 rounds, its posterior keeps sampling untried and barely tried arms for longer; it
is kept as an option, not the default. The clustering costs ~230× one `KMeans` fit on
the finished matrix because it builds the features from raw events, fits K-Means seven
times to choose `k` and runs HDBSCAN in every segment; an explicit `k` skips the
choice. On one of the three audiences it found 6 clusters for 5 segments (a small
sixth group), which is what the minimum ARI shows.
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
from personae.strategy._build import StrategyServices, build_strategy_service
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
    COUNTERS,
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
    "COUNTERS",
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
    "StrategyServices",
    "StrategyStats",
    "ThompsonSampling",
    "audience_features",
    "build_context",
    "build_policy",
    "build_strategy_service",
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
