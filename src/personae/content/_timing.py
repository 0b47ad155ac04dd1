"""When to post: the best hours for a piece's platform, for all audiences and per cluster.

A creator's audience is not one crowd: the strategy clusters it (seed 003's audience
segments), and each cluster is active at its own hours and rewards different ones. So
scheduling suggests, for the piece's platform,

- **all audiences**: the hour of the strategy the piece follows; else the hours of the
  creator's rewarded strategies on the platform, best mean reward first; else the busiest
  hours of the largest cluster; else 09:00 UTC;
- **each audience cluster** (largest first): the hours whose rewarded decisions *for that
  cluster* (the decision's context names it) on the platform earned most, best first;
  else the cluster's own busiest hours (when its members engage); else nothing is known.

:func:`posting_times` lists them (``GET /api/content/{id}/posting-times``); scheduling
without a time takes the first hour of all audiences, or of the cluster asked for.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from personae.errors import InputError
from personae.store import crud
from personae.store._models import AudienceCluster, ContentPiece

__all__ = ["DEFAULT_HOUR", "PostingTime", "next_at", "posting_times"]

DEFAULT_HOUR = 9
"""The hour (UTC) suggested when nothing is known yet."""

_SHOWN = 3

Basis = Literal["strategy", "rewards", "audience", "default"]


class PostingTime(BaseModel):
    """The best posting hours for one audience (or all of them) on the piece's platform."""

    audience_cluster_id: int | None = Field(description="The cluster; null: all audiences.")
    audience_size: int | None = Field(description="Members in the cluster (null: all).")
    platform: str
    hours: list[int] = Field(description="Hours of the day (UTC), best first.")
    basis: Basis = Field(
        description="strategy: the piece's own strategy; rewards: measured rewards; "
        "audience: when the audience engages; default: nothing known yet."
    )
    next_at: datetime = Field(description="The next time at the first hour.")


def next_at(hour: int, now: datetime) -> datetime:
    """The next ``hour``:00 after ``now`` (same timezone)."""
    when = now.replace(hour=hour % 24, minute=0, second=0, microsecond=0)
    return when if when > now else when + timedelta(days=1)


def _ranked(rewards: dict[int, list[float]]) -> list[int]:
    """Hours by mean reward, best first (more evidence breaks ties)."""
    return sorted(rewards, key=lambda h: (-sum(rewards[h]) / len(rewards[h]), -len(rewards[h]), h))


def _peaks(cluster: AudienceCluster) -> list[int]:
    raw = cluster.characteristics.get("peak_engagement_hours") or []
    return [int(h) % 24 for h in raw if isinstance(h, int | float)][:_SHOWN]


def posting_times(
    session: Session, owner_id: int, piece: ContentPiece, now: datetime
) -> list[PostingTime]:
    """All audiences first, then each audience cluster, largest first (see the module)."""
    strategies = {
        s.id: s
        for s in crud.list_strategies(
            session=session, owner_id=owner_id, persona_id=piece.persona_id
        )
        if s.platform == piece.platform
    }
    clusters = sorted(
        crud.list_audience_clusters(
            session=session, owner_id=owner_id, persona_id=piece.persona_id
        ),
        key=lambda c: (-c.size, c.id),
    )
    by_slot: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for episode in crud.list_learning_episodes(
        session=session, owner_id=owner_id, persona_id=piece.persona_id, rewarded=True
    ):
        node = strategies.get(episode.strategy_id)
        if node is None or episode.reward is None:
            continue
        for name in (episode.state or {}).get("context", {}):
            if name.startswith("cluster:"):
                by_slot[int(name.split(":", 1)[1])][node.posting_hour].append(episode.reward)

    def row(cluster: AudienceCluster | None, hours: list[int], basis: Basis) -> PostingTime:
        return PostingTime(
            audience_cluster_id=cluster.id if cluster else None,
            audience_size=cluster.size if cluster else None,
            platform=piece.platform,
            hours=hours[:_SHOWN],
            basis=basis,
            next_at=next_at(hours[0], now),
        )

    overall: PostingTime
    own = strategies.get(piece.strategy_id) if piece.strategy_id is not None else None
    if piece.strategy_id is not None and own is None:  # a strategy of another platform
        own = crud.get_strategy(session=session, owner_id=owner_id, strategy_id=piece.strategy_id)
    rewarded: dict[int, list[float]] = defaultdict(list)
    for node in strategies.values():
        if node.success_score is not None:
            rewarded[node.posting_hour].append(node.success_score)
    if own is not None:
        overall = row(None, [int(own.posting_hour)], "strategy")
    elif rewarded:
        overall = row(None, _ranked(rewarded), "rewards")
    elif clusters and _peaks(clusters[0]):
        overall = row(None, _peaks(clusters[0]), "audience")
    else:
        overall = row(None, [DEFAULT_HOUR], "default")
    out = [overall]
    for cluster in clusters:
        measured = by_slot.get(cluster.slot) if cluster.slot is not None else None
        if measured:
            out.append(row(cluster, _ranked(measured), "rewards"))
        elif _peaks(cluster):
            out.append(row(cluster, _peaks(cluster), "audience"))
    return out


def chosen(times: list[PostingTime], cluster_id: int | None) -> PostingTime:
    """The suggestion for ``cluster_id`` (``None``: all audiences).

    Raises
    ------
    InputError
        The persona has no such audience cluster, or nothing is known of its hours.
    """
    for time in times:
        if time.audience_cluster_id == cluster_id:
            return time
    known = ", ".join(str(t.audience_cluster_id) for t in times[1:]) or "none"
    raise InputError(
        f"no posting hours are known for audience cluster {cluster_id} of this persona "
        f"(clusters with some: {known})",
        field="audience_cluster_id",
    )
