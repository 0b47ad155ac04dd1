"""Audience clustering: seed 003's two stages, and identities that survive re-clustering.

**Features** (one row per audience member, from their interactions, weighted by how many
interactions each event holds):

- timing: share of interactions per hour of day (24), per day of week (7), and the
  weekly rhythm: share of weeks active in the member's span and log interactions per
  active week (2);
- content-type preferences: share per content type (the creator's most common
  :data:`MAX_CONTENT_TYPES`, the rest as ``other``);
- interaction depth: share of likes, comments, shares and saves (4), and log of the
  member's interaction count.

Columns are standardised, then each block (hours, days, weeks, types, depth) is scaled
by ``1/√width`` so that a 24-column block does not outvote a 4-column one.

**Stage 1**, scikit-learn ``KMeans``: broad segments; ``k`` is chosen by the silhouette
score (on a sample) unless given. **Stage 2**, scikit-learn ``HDBSCAN`` inside each
segment (``allow_single_cluster``, so a segment that is one dense group stays one):
refines a segment into the dense groups it holds; its noise points join the nearest
refined group, so every member belongs to a cluster.

**Stable identities**: :func:`match_clusters` pairs new clusters with old ones by
membership overlap (Jaccard) with the Hungarian algorithm
(``scipy.optimize.linear_sum_assignment``); a new cluster that overlaps an old one enough
keeps its id. Both stages are seeded, so unchanged data gives the same partition, and
with it the same ids.

scikit-learn and SciPy are imported when clustering runs, not with the module: they cost
a second of start-up that every other ``personae`` command would pay.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from personae.errors import InputError
from personae.strategy._engagement import INTERACTIONS

__all__ = [
    "MAX_CONTENT_TYPES",
    "MIN_MEMBERS",
    "AudienceFeatures",
    "ClusterSummary",
    "ClusteringResult",
    "audience_features",
    "cluster_audience",
    "match_clusters",
]

MAX_CONTENT_TYPES = 8
MIN_MEMBERS = 10
"""Fewest audience members (with known ids) worth clustering."""
MAX_K = 8
_SILHOUETTE_SAMPLE = 2000
_HDBSCAN_SAMPLE = 3000
_MATCH_MIN_JACCARD = 0.3
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class AudienceFeatures:
    """The feature matrix of an audience: one row per member (sorted by id)."""

    members: tuple[str, ...]
    matrix: FloatArray
    """Raw features (shares and logs), ``(members, features)``."""
    names: tuple[str, ...]
    blocks: tuple[tuple[str, int, int], ...]
    """``(block name, first column, end column)``."""
    hours: FloatArray
    """Interactions per member and hour of day ``(members, 24)``."""
    types: tuple[str, ...]
    weights: FloatArray
    """Interactions per member."""
    contents: tuple[tuple[str, str], ...]
    """The ``(platform, content id)`` pieces the audience interacted with."""
    pair_member: npt.NDArray[np.intp]
    pair_content: npt.NDArray[np.intp]
    pair_weight: FloatArray
    """Interactions of each (member row, content index) pair that has any."""

    def scaled(self) -> FloatArray:
        """Standardised columns, each block scaled by ``1/√width`` (what is clustered)."""
        spread = self.matrix.std(axis=0)
        scaled = (self.matrix - self.matrix.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
        for _, start, end in self.blocks:
            scaled[:, start:end] /= math.sqrt(end - start)
        return np.asarray(scaled, dtype=np.float64)


def audience_features(events: Sequence[Any]) -> AudienceFeatures:
    """Build the feature matrix from the events that name an audience member.

    Raises
    ------
    InputError
        Fewer than :data:`MIN_MEMBERS` distinct audience members.
    """
    # One pass over the events, factorising members, content types and content pieces.
    member_at: dict[str, int] = {}
    type_at: dict[str, int] = {}
    content_at: dict[tuple[str, str], int] = {}
    member_list: list[int] = []
    seconds_list: list[float] = []
    type_list: list[int] = []
    content_list: list[int] = []
    depth_list: list[tuple[int, int, int, int]] = []
    for e in events:
        who = e.audience_member_id
        if who is None:
            continue
        member_list.append(member_at.setdefault(who, len(member_at)))
        seconds_list.append(e.occurred_at.timestamp())
        type_list.append(type_at.setdefault(e.content_type or "", len(type_at)))
        content_list.append(content_at.setdefault((e.platform, e.content_id), len(content_at)))
        depth_list.append((e.likes, e.comments, e.shares, e.saves))
    if len(member_at) < MIN_MEMBERS:
        raise InputError(
            f"{len(member_at)} audience members with known ids; at least {MIN_MEMBERS} are "
            "needed to cluster (import events with audience_member_id)",
            members=len(member_at),
            needed=MIN_MEMBERS,
        )
    # Rows sorted by member id, so the result does not depend on the events' order.
    member_ids = sorted(member_at)
    order = np.empty(len(member_ids), dtype=np.intp)
    order[[member_at[m] for m in member_ids]] = np.arange(len(member_ids))
    n = len(member_ids)
    member = order[np.asarray(member_list, dtype=np.intp)]
    seconds = np.asarray(seconds_list, dtype=np.float64)
    depth = np.asarray(depth_list, dtype=np.float64).reshape(-1, len(INTERACTIONS))
    weight = np.maximum(depth.sum(axis=1), 1.0)
    raw_kind = np.asarray(type_list, dtype=np.intp)
    type_names = sorted(type_at, key=type_at.__getitem__)
    type_weight = np.bincount(raw_kind, weights=weight, minlength=len(type_names))
    named = [t for t in type_names if t]
    types = tuple(sorted(named, key=lambda t: (-type_weight[type_at[t]], t))[:MAX_CONTENT_TYPES])
    other = len(types)
    remap = np.full(len(type_names), other, dtype=np.intp)
    for i, t in enumerate(types):
        remap[type_at[t]] = i
    kind = remap[raw_kind]
    contents = sorted(content_at, key=content_at.__getitem__)
    combined = member.astype(np.int64) * len(contents) + np.asarray(content_list, dtype=np.int64)
    pair_keys, inverse = np.unique(combined, return_inverse=True)
    pair_weight = np.bincount(inverse, weights=weight)

    days = np.floor(seconds / 86400.0).astype(np.int64)
    hour = (np.floor(seconds / 3600.0).astype(np.int64) % 24).astype(np.intp)
    dow = ((days + 3) % 7).astype(np.intp)  # 1970-01-01 was a Thursday; Monday is 0
    week = days // 7

    def histogram(column: npt.NDArray[np.intp], width: int) -> FloatArray:
        counts = np.bincount(member * width + column, weights=weight, minlength=n * width)
        return np.asarray(counts.reshape(n, width), dtype=np.float64)

    hours = histogram(hour, 24)
    total = hours.sum(axis=1, keepdims=True)
    hour_share = hours / total
    day_share = histogram(dow, 7) / total
    type_share = histogram(kind, len(types) + 1) / total
    depth_totals = np.zeros((n, len(INTERACTIONS)))
    np.add.at(depth_totals, member, depth)
    depth_share = depth_totals / np.maximum(depth_totals.sum(axis=1, keepdims=True), 1.0)
    # Weekly rhythm: weeks active / weeks spanned, and interactions per active week.
    pairs = np.unique(np.stack([member, week]), axis=1)
    active_weeks = np.bincount(pairs[0], minlength=n).astype(np.float64)
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first, member, week)
    np.maximum.at(last, member, week)
    span = (last - first + 1).astype(np.float64)
    rhythm = np.stack([active_weeks / span, np.log1p(total[:, 0] / active_weeks)], axis=1)
    volume = np.log1p(total)

    blocks_data = [
        ("hours", hour_share, [f"hour:{h}" for h in range(24)]),
        ("days", day_share, [f"day:{d}" for d in _DAYS]),
        ("weeks", rhythm, ["weeks_active_share", "log_interactions_per_week"]),
        ("types", type_share, [f"type:{t}" for t in (*types, "other")]),
        ("depth", np.hstack([depth_share, volume]), [*INTERACTIONS, "log_interactions"]),
    ]
    blocks = []
    start = 0
    for name, block, _ in blocks_data:
        blocks.append((name, start, start + block.shape[1]))
        start += block.shape[1]
    return AudienceFeatures(
        members=tuple(member_ids),
        matrix=np.hstack([block for _, block, _ in blocks_data]),
        names=tuple(name for _, _, names in blocks_data for name in names),
        blocks=tuple(blocks),
        hours=hours,
        types=(*types, "other"),
        weights=total[:, 0],
        contents=tuple(contents),
        pair_member=(pair_keys // len(contents)).astype(np.intp),
        pair_content=(pair_keys % len(contents)).astype(np.intp),
        pair_weight=np.asarray(pair_weight, dtype=np.float64),
    )


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    """One audience cluster, as seed 003 describes it."""

    members: tuple[str, ...]
    size: int
    peak_engagement_hours: list[int]
    preferred_content_types: list[str]
    avg_engagement_rate: float | None
    embedding: list[float]
    """The centroid of the members' raw features (see ``feature_names``)."""
    segment: int
    """The K-Means segment it was refined from."""
    characteristics: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ClusteringResult:
    """A partition of the audience: clusters (largest first) and each member's label."""

    clusters: list[ClusterSummary]
    labels: npt.NDArray[np.intp]
    k: int
    """Segments found by stage 1."""
    feature_names: tuple[str, ...]


def _choose_k(x: FloatArray, seed: int, min_size: int) -> int:
    from sklearn.cluster import KMeans  # type: ignore[import-untyped, unused-ignore]
    from sklearn.metrics import silhouette_score  # type: ignore[import-untyped, unused-ignore]

    limit = min(MAX_K, len(x) // max(min_size, 1))
    if limit < 2:
        return 1
    best_k, best_score = 1, -1.0
    sample = min(len(x), _SILHOUETTE_SAMPLE)
    for k in range(2, limit + 1):
        labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(x)
        sizes = np.bincount(labels, minlength=k)
        if (sizes < min_size).any():  # a "segment" of a few outliers is no segment
            continue
        score = float(silhouette_score(x, labels, sample_size=sample, random_state=seed))
        if score > best_score + 1e-9:
            best_k, best_score = k, score
    return best_k


def _refine(x: FloatArray, min_size: int, seed: int) -> npt.NDArray[np.intp]:
    """HDBSCAN inside one segment; noise joins the nearest dense group."""
    from sklearn.cluster import HDBSCAN  # type: ignore[import-untyped, unused-ignore]

    n = len(x)
    if n < 2 * min_size:
        return np.zeros(n, dtype=np.intp)
    rng = np.random.default_rng(seed)
    fit_rows = (
        np.sort(rng.choice(n, size=_HDBSCAN_SAMPLE, replace=False))
        if n > _HDBSCAN_SAMPLE
        else np.arange(n)
    )
    size = max(min_size, len(fit_rows) // 10)
    model = HDBSCAN(min_cluster_size=size, allow_single_cluster=True, copy=True)
    fitted = model.fit_predict(x[fit_rows])
    groups = sorted(int(g) for g in np.unique(fitted) if g >= 0)
    if len(groups) <= 1:
        return np.zeros(n, dtype=np.intp)
    centroids = np.stack([x[fit_rows][fitted == g].mean(axis=0) for g in groups])
    distances = ((x[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    return np.asarray(np.argmin(distances, axis=1), dtype=np.intp)


def _merge_small(
    x: FloatArray, labels: npt.NDArray[np.intp], origin: list[int], min_size: int
) -> tuple[npt.NDArray[np.intp], list[int]]:
    """Fold groups smaller than ``min_size`` into the nearest other group (by centroid)."""
    labels = labels.copy()
    origin = list(origin)
    while len(origin) > 1:
        sizes = np.bincount(labels, minlength=len(origin))
        smallest = int(np.argmin(sizes))
        if sizes[smallest] >= min_size:
            break
        centroids = np.stack([x[labels == g].mean(axis=0) for g in range(len(origin))])
        distances = ((centroids - centroids[smallest]) ** 2).sum(axis=1)
        distances[smallest] = np.inf
        target = int(np.argmin(distances))
        labels[labels == smallest] = target
        labels[labels > smallest] -= 1
        origin.pop(smallest)
    return labels, origin


def cluster_audience(
    features: AudienceFeatures,
    *,
    k: int | None = None,
    min_cluster_size: int = 5,
    content_rates: Mapping[tuple[str, str], float] | None = None,
    seed: int = 0,
) -> ClusteringResult:
    """Seed 003's two-stage clustering: K-Means segments, refined by HDBSCAN.

    Parameters
    ----------
    k
        Segments for stage 1; ``None`` chooses by silhouette score (2..8).
    min_cluster_size
        Smallest group HDBSCAN may split off (it also never splits off less than a
        tenth of a segment).
    content_rates
        Engagement rate of each ``(platform, content id)``: what ``avg_engagement_rate``
        averages over the content a cluster interacted with.

    Examples
    --------
    >>> result = cluster_audience(audience_features(events), k=None)  # doctest: +SKIP
    >>> [c.size for c in result.clusters]  # doctest: +SKIP
    [412, 260, 98]
    """
    from sklearn.cluster import KMeans  # type: ignore[import-untyped, unused-ignore]

    x = features.scaled()
    n = len(x)
    if k is not None and not 1 <= k <= min(MAX_K, n):
        raise InputError(f"k must be 1..{min(MAX_K, n)}", k=k)
    chosen = k if k is not None else _choose_k(x, seed, max(min_cluster_size, 2))
    if chosen > 1:
        segments = KMeans(n_clusters=chosen, n_init=5, random_state=seed).fit_predict(x)
    else:
        segments = np.zeros(n, dtype=np.intp)
    labels = np.full(n, -1, dtype=np.intp)
    origin: list[int] = []
    for segment in range(chosen):
        rows = np.flatnonzero(segments == segment)
        if rows.size == 0:
            continue
        refined = _refine(x[rows], min_cluster_size, seed)
        for group in np.unique(refined):
            labels[rows[refined == group]] = len(origin)
            origin.append(segment)
    labels, origin = _merge_small(x, labels, origin, max(min_cluster_size, 2))
    # Largest first; ties by first member, so the order is reproducible.
    sizes = np.bincount(labels, minlength=len(origin))
    first_member = [int(np.flatnonzero(labels == g)[0]) for g in range(len(origin))]
    order = sorted(range(len(origin)), key=lambda g: (-sizes[g], first_member[g]))
    relabel = np.empty(len(origin), dtype=np.intp)
    relabel[order] = np.arange(len(origin))
    labels = relabel[labels]
    clusters = [
        _summarise(features, np.flatnonzero(labels == g), origin[old], content_rates)
        for g, old in enumerate(order)
    ]
    return ClusteringResult(
        clusters=clusters, labels=labels, k=chosen, feature_names=features.names
    )


def _summarise(
    features: AudienceFeatures,
    rows: npt.NDArray[np.intp],
    segment: int,
    content_rates: Mapping[tuple[str, str], float] | None,
) -> ClusterSummary:
    hours = features.hours[rows].sum(axis=0)
    peak = [int(h) for h in np.argsort(-hours, kind="stable")[:3] if hours[h] > 0]
    raw = features.matrix[rows]
    centroid = raw.mean(axis=0)
    start, end = next((s, e) for name, s, e in features.blocks if name == "types")
    shares = centroid[start:end]
    ranked = [i for i in np.argsort(-shares, kind="stable") if shares[i] > 0]
    uniform = 1.0 / max(len(shares), 1)
    preferred = [features.types[i] for i in ranked if shares[i] >= uniform][:3] or [
        features.types[i] for i in ranked[:1]
    ]
    rate = None
    if content_rates:
        known = np.array([content_rates.get(key, np.nan) for key in features.contents])
        mine = np.isin(features.pair_member, rows)
        values = known[features.pair_content[mine]]
        weights = features.pair_weight[mine]
        measured = ~np.isnan(values)
        if measured.any():
            rate = float(np.average(values[measured], weights=weights[measured]))
    d_start, _d_end = next((s, e) for name, s, e in features.blocks if name == "depth")
    depth = centroid[d_start : d_start + len(INTERACTIONS)]
    days_start = next(s for name, s, _ in features.blocks if name == "days")
    days = centroid[days_start : days_start + 7]
    return ClusterSummary(
        members=tuple(features.members[i] for i in rows),
        size=int(rows.size),
        peak_engagement_hours=peak,
        preferred_content_types=preferred,
        avg_engagement_rate=rate,
        embedding=[round(float(v), 6) for v in centroid],
        segment=segment,
        characteristics={
            "interaction_depth": {
                name: round(float(v), 4) for name, v in zip(INTERACTIONS, depth, strict=True)
            },
            "weekend_share": round(float(days[5:].sum()), 4),
            "peak_days": [_DAYS[i] for i in np.argsort(-days, kind="stable")[:2]],
            "interactions": float(features.weights[rows].sum()),
        },
    )


def match_clusters(
    old: Sequence[tuple[Any, frozenset[str]]],
    new: Sequence[frozenset[str]],
    *,
    min_jaccard: float = _MATCH_MIN_JACCARD,
) -> list[Any | None]:
    """For each new cluster, the id of the old cluster it continues (or ``None``).

    Old clusters are ``(id, members)``. Pairs are chosen by the Hungarian algorithm on
    membership overlap (Jaccard), and kept only from ``min_jaccard`` up, so a cluster
    whose audience changed beyond recognition gets a new identity.

    Examples
    --------
    >>> match_clusters([(7, frozenset("ab")), (9, frozenset("cd"))],
    ...                [frozenset("cd"), frozenset("abe"), frozenset("xy")])
    [9, 7, None]
    """
    from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped, unused-ignore]

    if not old or not new:
        return [None] * len(new)
    overlap = np.zeros((len(new), len(old)))
    for i, members in enumerate(new):
        for j, (_, previous) in enumerate(old):
            union = len(members | previous)
            overlap[i, j] = len(members & previous) / union if union else 0.0
    rows, cols = linear_sum_assignment(-overlap)
    out: list[Any | None] = [None] * len(new)
    for i, j in zip(rows, cols, strict=True):
        if overlap[i, j] >= min_jaccard:
            out[int(i)] = old[int(j)][0]
    return out
