"""Audience clustering: planted segments are found, identities survive re-clustering."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from personae.errors import InputError
from personae.strategy import audience_features, cluster_audience, match_clusters, validate_rows
from tests.strategy.helpers import planted_audience


def _events(rows: list[dict[str, Any]]) -> list[Any]:
    good, bad = validate_rows(enumerate(rows, start=1))
    assert not bad
    return [SimpleNamespace(**row.model_dump()) for _, row in good]


@pytest.fixture(scope="module")
def audience() -> tuple[list[Any], dict[str, int]]:
    rows, truth = planted_audience(members=150, events_per_member=25, segments=3, seed=0)
    return _events(rows), truth


def test_planted_segments_are_recovered(audience: tuple[list[Any], dict[str, int]]) -> None:
    events, truth = audience
    features = audience_features(events)
    result = cluster_audience(features)
    labels = [truth[m] for m in features.members]
    assert adjusted_rand_score(labels, result.labels) >= 0.9
    assert sum(c.size for c in result.clusters) == 150
    assert [c.size for c in result.clusters] == sorted(
        (c.size for c in result.clusters), reverse=True
    )


def test_clusters_report_what_the_seed_asks(audience: tuple[list[Any], dict[str, int]]) -> None:
    events, truth = audience
    result = cluster_audience(audience_features(events), k=3)
    for cluster in result.clusters:
        segment = truth[cluster.members[0]]
        # Segment s peaks at hour 8*s, prefers content type s and acts mostly as action s.
        assert cluster.peak_engagement_hours[0] == 8 * segment
        assert cluster.preferred_content_types[0] == ("text", "image", "video")[segment]
        assert len(cluster.embedding) == len(result.feature_names)
        depth = cluster.characteristics["interaction_depth"]
        assert max(depth, key=depth.get) == ("likes", "comments", "shares")[segment]
        assert cluster.avg_engagement_rate is None  # no content rates given


def test_average_engagement_rate_weights_the_content_a_cluster_touched(
    audience: tuple[list[Any], dict[str, int]],
) -> None:
    events, _ = audience
    rates = {("linkedin", f"post-{i}"): 0.01 * (i + 1) for i in range(10)}
    result = cluster_audience(audience_features(events), k=3, content_rates=rates)
    for cluster in result.clusters:
        assert cluster.avg_engagement_rate is not None
        assert 0.01 <= cluster.avg_engagement_rate <= 0.1


def test_unchanged_data_gives_the_same_partition(
    audience: tuple[list[Any], dict[str, int]],
) -> None:
    events, _ = audience
    first = cluster_audience(audience_features(events))
    second = cluster_audience(audience_features(list(reversed(events))))
    assert [c.members for c in first.clusters] == [c.members for c in second.clusters]


def test_too_few_members_is_an_input_error() -> None:
    rows, _ = planted_audience(members=5, events_per_member=3, segments=2)
    with pytest.raises(InputError, match="at least 10"):
        audience_features(_events(rows))


def test_match_clusters_keeps_identities_by_overlap() -> None:
    old = [("a", frozenset({"1", "2", "3"})), ("b", frozenset({"4", "5", "6"}))]
    new = [
        frozenset({"4", "5", "6", "7"}),  # b, grown
        frozenset({"1", "2"}),  # a, shrunk
        frozenset({"8", "9"}),  # someone new
    ]
    assert match_clusters(old, new) == ["b", "a", None]
    assert match_clusters([], new) == [None, None, None]
    # Overlap below the threshold is a new identity.
    assert match_clusters(old, [frozenset({"1", "7", "8", "9", "10"})]) == [None]


def test_explicit_k_is_bounded(audience: tuple[list[Any], dict[str, int]]) -> None:
    events, _ = audience
    with pytest.raises(InputError, match="k must be"):
        cluster_audience(audience_features(events), k=0)
    assert np.unique(cluster_audience(audience_features(events), k=1).labels).size >= 1
