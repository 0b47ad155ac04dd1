"""``/api/v1/engagement`` and ``/api/v1/strategy``: seed 003's learning loop over HTTP.

Engagement goes in (a batch, validated row by row, idempotent), strategies come out with
a content brief that content generation takes as it is, feedback turns measured
engagement into the reward the policy learns from, and the creator's performance,
audience clusters, learning episodes and strategy graph can be read back.

A "creator" is one of the caller's personas (``creator_id`` = persona id). Everything
is owner-scoped through :class:`~personae.strategy.StrategyService`: another user's
creators, strategies, episodes and clusters answer 404 like missing ones.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from personae.api._envelope import Envelope, error_responses, ok
from personae.api._schemas import Page
from personae.api.deps import CurrentUserDep, LiveUserDep, StrategyServiceDep, get_embedder
from personae.store import MAX_INT
from personae.strategy import (
    ClusterInfo,
    EpisodeInfo,
    FeedbackResult,
    ImportReport,
    NextStrategy,
    PerformanceReport,
    PolicyName,
    Recommendation,
    RewardComponents,
    RewardWeights,
    SimilarStrategy,
)

__all__ = [
    "MAX_BATCH_ROWS",
    "EngagementBatch",
    "GenerateRequest",
    "ReclusterRequest",
    "StrategyFeedbackRequest",
    "get_embedder",
    "router",
]

MAX_BATCH_ROWS = 10_000
"""Most engagement events one ``POST /api/v1/engagement`` may carry."""

PAGE_LIMIT = 100

router = APIRouter(
    prefix="/api/v1", tags=["strategy"], responses=error_responses(401, 404, 422, 429, 503)
)


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL (\\x00) characters")
    return value


Option = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_text)]
ContentId = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_text)]
CreatorIdPath = Annotated[
    int, Path(ge=1, le=MAX_INT, description="The creator: one of your personas' ids.")
]
StrategyIdPath = Annotated[int, Path(ge=1, le=MAX_INT, description="A strategy's id.")]
Offset = Annotated[int, Query(ge=0, le=MAX_INT, description="Items to skip.")]
Limit = Annotated[int, Query(ge=1, le=PAGE_LIMIT, description="Most items to return.")]


class EngagementBatch(BaseModel):
    """A batch of engagement events of one creator; each row is validated on its own."""

    model_config = ConfigDict(extra="forbid")

    creator_id: int = Field(ge=1, le=MAX_INT, description="The persona the content is of.")
    events: list[Any] = Field(
        max_length=MAX_BATCH_ROWS,
        description=(
            "Engagement rows (see personae.strategy.EngagementRow): external_id, content_id, "
            "platform, occurred_at, and optionally published_at, content_type, likes, "
            "comments, shares, saves, impressions, reach, clicks, conversions, "
            "audience_member_id, strategy_id, content_cost. Bad rows are reported, not fatal."
        ),
    )


class GenerateRequest(BaseModel):
    """Options to choose a strategy among; those left out come from the persona."""

    model_config = ConfigDict(extra="forbid")

    creator_id: int = Field(ge=1, le=MAX_INT)
    topics: list[Option] | None = Field(default=None, min_length=1, max_length=50)
    formats: list[Option] | None = Field(default=None, min_length=1, max_length=50)
    tones: list[Option] | None = Field(default=None, min_length=1, max_length=50)
    posting_hours: list[Annotated[int, Field(ge=0, le=23)]] | None = Field(
        default=None, min_length=1, max_length=24, description="Hours of the day, UTC."
    )
    platforms: list[Option] | None = Field(default=None, min_length=1, max_length=50)
    audience_cluster_id: int | None = Field(
        default=None, ge=1, le=MAX_INT, description="The cluster to write for (default: largest)."
    )
    policy: PolicyName | None = Field(default=None, description="Overrides the server's policy.")


class StrategyFeedbackRequest(BaseModel):
    """How a strategy did: the reward inputs, or the content whose engagement to measure."""

    model_config = ConfigDict(extra="forbid")

    episode_id: int | None = Field(
        default=None, ge=1, le=MAX_INT, description="The decision (default: the newest open one)."
    )
    metrics: RewardComponents | None = Field(
        default=None, description="The reward inputs as measured elsewhere."
    )
    content_ids: list[ContentId] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="Content whose imported engagement is the result (default: the content "
        "tagged with this strategy).",
    )


class ReclusterRequest(BaseModel):
    """Options of a re-clustering."""

    model_config = ConfigDict(extra="forbid")

    k: int | None = Field(default=None, ge=1, le=8, description="Broad segments (default: chosen).")


@router.post(
    "/engagement",
    summary="Import engagement events",
    response_model=Envelope[ImportReport],
)
def import_engagement(
    body: EngagementBatch, caller: LiveUserDep, strategies: StrategyServiceDep
) -> Envelope[ImportReport]:
    """Store a batch of engagement events of one creator, idempotently.

    Each row is validated on its own: good rows are stored (an event sent again with
    the same ``(platform, external_id)`` updates it, or changes nothing), bad ones are
    listed in ``rejected`` with their row number (1-based), field and reason.
    """
    with strategies.open(caller.id) as service:
        return ok(service.import_engagement(body.creator_id, enumerate(body.events, start=1)))


@router.post(
    "/strategy/generate",
    status_code=201,
    summary="Recommend a content strategy",
    response_model=Envelope[Recommendation],
)
def generate(
    body: GenerateRequest, caller: LiveUserDep, strategies: StrategyServiceDep
) -> Envelope[Recommendation]:
    """Choose the strategy (topic × format × tone × posting hour × platform) to play next.

    The answer holds a ``content_brief`` that content generation takes as it is, the
    policy's estimated reward and its uncertainty, a confidence (the probability that
    it is the best candidate) and an explanation (learned effects, similar successful
    past strategies, the next best alternatives). The decision is recorded as a learning
    episode; send its result to ``PUT /api/v1/strategy/{strategy_id}/feedback``.
    """
    with strategies.open(caller.id) as service:
        space = service.space_for(
            body.creator_id,
            topics=body.topics,
            formats=body.formats,
            tones=body.tones,
            posting_hours=body.posting_hours,
            platforms=body.platforms,
        )
        return ok(
            service.recommend(
                body.creator_id,
                space=space,
                cluster_id=body.audience_cluster_id,
                policy=body.policy,
            )
        )


@router.get(
    "/strategy/{creator_id}/current",
    summary="The creator's current strategy",
    response_model=Envelope[Recommendation],
)
def current(
    creator_id: CreatorIdPath, caller: CurrentUserDep, strategies: StrategyServiceDep
) -> Envelope[Recommendation]:
    """The latest recommendation made for the creator, with its brief and explanation."""
    with strategies.open(caller.id) as service:
        return ok(service.current(creator_id))


@router.put(
    "/strategy/{strategy_id}/feedback",
    summary="Report how a strategy did",
    response_model=Envelope[FeedbackResult],
    responses=error_responses(409),
)
def feedback(
    strategy_id: StrategyIdPath,
    body: StrategyFeedbackRequest,
    caller: LiveUserDep,
    strategies: StrategyServiceDep,
) -> Envelope[FeedbackResult]:
    """Turn the strategy's result into seed 003's reward and let the policy learn from it.

    ``reward = w1·engagement_rate + w2·reach_growth + w3·conversion_rate − w4·content_cost``
    with the creator's weights, from ``metrics`` as sent, or measured from the imported
    engagement of ``content_ids`` (or of the content tagged with this strategy).
    """
    with strategies.open(caller.id) as service:
        return ok(
            service.feedback(
                strategy_id,
                episode_id=body.episode_id,
                components=body.metrics,
                content_ids=body.content_ids,
            )
        )


@router.get(
    "/strategy/{creator_id}/performance",
    summary="How the creator's strategies performed",
    response_model=Envelope[PerformanceReport],
)
def performance(
    creator_id: CreatorIdPath, caller: CurrentUserDep, strategies: StrategyServiceDep
) -> Envelope[PerformanceReport]:
    """Rewards over time, the best strategies, mean reward per topic, format, tone, hour
    and platform, and engagement per platform against its baseline."""
    with strategies.open(caller.id) as service:
        return ok(service.performance(creator_id))


@router.get(
    "/strategy/{creator_id}/clusters",
    summary="The creator's audience clusters",
    response_model=Envelope[Page[ClusterInfo]],
)
def clusters(
    creator_id: CreatorIdPath,
    caller: CurrentUserDep,
    strategies: StrategyServiceDep,
    offset: Offset = 0,
    limit: Limit = 20,
) -> Envelope[Page[ClusterInfo]]:
    """Audience clusters, largest first: peak hours, preferred content types, engagement
    rate, size and centroid."""
    with strategies.open(caller.id) as service:
        items, total = service.clusters(creator_id, offset=offset, limit=limit)
    return ok(Page[ClusterInfo](items=items, total=total, offset=offset, limit=limit))


@router.post(
    "/strategy/{creator_id}/clusters",
    summary="Cluster the creator's audience again",
    response_model=Envelope[list[ClusterInfo]],
)
def recluster(
    creator_id: CreatorIdPath,
    body: ReclusterRequest,
    caller: LiveUserDep,
    strategies: StrategyServiceDep,
) -> Envelope[list[ClusterInfo]]:
    """K-Means segments refined by HDBSCAN, on the audience's timing, content-type and
    interaction-depth features; clusters whose members stayed keep their ids."""
    with strategies.open(caller.id) as service:
        return ok(service.recluster(creator_id, k=body.k))


@router.get(
    "/strategy/{creator_id}/episodes",
    summary="The creator's learning episodes",
    response_model=Envelope[Page[EpisodeInfo]],
)
def episodes(
    creator_id: CreatorIdPath,
    caller: CurrentUserDep,
    strategies: StrategyServiceDep,
    offset: Offset = 0,
    limit: Limit = 20,
    rewarded: Annotated[
        bool | None, Query(description="Only rewarded (true) or open (false) decisions.")
    ] = None,
) -> Envelope[Page[EpisodeInfo]]:
    """Every decision (state, action) and its reward and next state, newest first."""
    with strategies.open(caller.id) as service:
        items, total = service.episodes(creator_id, offset=offset, limit=limit, rewarded=rewarded)
    return ok(Page[EpisodeInfo](items=items, total=total, offset=offset, limit=limit))


@router.get(
    "/strategy/{creator_id}/weights",
    summary="The creator's reward weights",
    response_model=Envelope[RewardWeights],
)
def read_weights(
    creator_id: CreatorIdPath, caller: CurrentUserDep, strategies: StrategyServiceDep
) -> Envelope[RewardWeights]:
    """``w1..w4`` of ``w1·engagement_rate + w2·reach_growth + w3·conversion_rate −
    w4·content_cost`` (the defaults until set)."""
    with strategies.open(caller.id) as service:
        return ok(service.weights(creator_id))


@router.put(
    "/strategy/{creator_id}/weights",
    summary="Set the creator's reward weights",
    response_model=Envelope[RewardWeights],
)
def write_weights(
    creator_id: CreatorIdPath,
    body: RewardWeights,
    caller: LiveUserDep,
    strategies: StrategyServiceDep,
) -> Envelope[RewardWeights]:
    """Set ``w1..w4``; rewards computed from now on use them."""
    with strategies.open(caller.id) as service:
        return ok(service.set_weights(creator_id, body))


@router.get(
    "/strategy/{creator_id}/similar",
    summary="Similar successful strategies for a context",
    response_model=Envelope[list[SimilarStrategy]],
)
def similar(
    creator_id: CreatorIdPath,
    caller: CurrentUserDep,
    strategies: StrategyServiceDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=1000,
            description="The context or strategy in words, e.g. 'weekend video for founders'.",
        ),
        AfterValidator(_text),
    ],
    k: Annotated[int, Query(ge=1, le=50, description="Most strategies to return.")] = 5,
) -> Envelope[list[SimilarStrategy]]:
    """The creator's past strategies closest to ``q``, among those that did at least as
    well as their median strategy (the strategy memory graph's nodes)."""
    with strategies.open(caller.id) as service:
        return ok(service.similar_strategies(creator_id, q, k=k))


@router.get(
    "/strategy/{strategy_id}/next",
    summary="The best strategy to follow this one",
    response_model=Envelope[list[NextStrategy]],
)
def best_next(
    strategy_id: StrategyIdPath,
    caller: CurrentUserDep,
    strategies: StrategyServiceDep,
    k: Annotated[int, Query(ge=1, le=20, description="Most strategies to return.")] = 3,
) -> Envelope[list[NextStrategy]]:
    """From the strategy graph's transitions, best predicted reward first; similar
    successful strategies fill in when the graph has no transitions from it yet."""
    with strategies.open(caller.id) as service:
        return ok(service.best_next(strategy_id, k=k))
