"""Engagement in: row-by-row validation, CSV/JSON files, normalisation across platforms."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from personae.errors import InputError
from personae.strategy import (
    DEFAULT_BASELINES,
    content_metrics,
    parse_engagement_file,
    platform_baselines,
    reward_components,
    validate_rows,
)

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
GOOD = {
    "external_id": "e1",
    "content_id": "p1",
    "platform": "LinkedIn",
    "occurred_at": "2026-01-05T09:00:00Z",
    "likes": "3",
}


def test_rows_are_validated_one_by_one() -> None:
    rows = [
        (1, GOOD),
        (2, {**GOOD, "external_id": "e2", "likes": -1}),
        (3, {**GOOD, "external_id": "e3", "platform": "not a platform!"}),
        (4, {"content_id": "p"}),
        (5, "not an object"),
        (6, {**GOOD, "external_id": "e6", "surprise": 1}),
        (7, {**GOOD, "external_id": "e7", "published_at": "2026-02-01T00:00:00Z"}),
        (8, {**GOOD, "external_id": "e8", "reach": 2**40}),
        (9, {**GOOD, "external_id": "e9", "content_cost": "inf"}),
        (10, {**GOOD, "external_id": "e\x0010"}),
    ]
    good, bad = validate_rows(rows)
    assert [n for n, _ in good] == [1]
    assert good[0][1].platform == "linkedin"
    assert good[0][1].likes == 3
    assert good[0][1].occurred_at == datetime(2026, 1, 5, 9, tzinfo=UTC)
    by_row = {(r.row, r.field) for r in bad}
    assert (2, "likes") in by_row
    assert (3, "platform") in by_row
    assert {(4, "external_id"), (4, "platform"), (4, "occurred_at")} <= by_row
    assert (5, None) in by_row
    assert (6, "surprise") in by_row
    assert (7, "published_at") in by_row
    assert (8, "reach") in by_row
    assert (9, "content_cost") in by_row
    assert (10, "external_id") in by_row
    assert next(r for r in bad if r.row == 2).external_id == "e2"


def test_naive_timestamps_are_utc_and_timestamp_is_an_alias() -> None:
    good, bad = validate_rows([(1, {**GOOD, "occurred_at": None, "timestamp": "2026-01-05 09:00"})])
    assert not bad
    assert good[0][1].occurred_at == T0


def test_csv_rows_are_numbered_by_line_and_blank_cells_are_missing() -> None:
    text = (
        "external_id,content_id,platform,occurred_at,likes,reach,audience_member_id\n"
        "e1,p1,linkedin,2026-01-05T09:00:00Z,3,100,\n"
        "e2,p1,linkedin,yesterday,1,,m1\n"
        "e3,p1,linkedin,2026-01-05T10:00:00Z,1,,m1,extra\n"
    )
    good, bad = validate_rows(parse_engagement_file(text, fmt="csv"))
    assert [n for n, _ in good] == [2]
    assert good[0][1].audience_member_id is None
    assert good[0][1].reach == 100
    assert {(r.row, r.field) for r in bad} == {(3, "occurred_at"), (4, None)}


@pytest.mark.parametrize(
    ("text", "fmt", "match"),
    [
        ("{not json", "json", "not valid JSON"),
        ('{"rows": []}', "json", "array of events"),
        ("", "csv", "header"),
    ],
)
def test_unreadable_files_are_input_errors(text: str, fmt: Any, match: str) -> None:
    with pytest.raises(InputError, match=match):
        list(parse_engagement_file(text, fmt=fmt))


def test_json_files_hold_an_array_or_events() -> None:
    for data in ([GOOD], {"events": [GOOD]}):
        rows = list(parse_engagement_file(json.dumps(data), fmt="json"))
        assert rows == [(1, GOOD)]


def _event(**fields: Any) -> SimpleNamespace:
    base: dict[str, Any] = {
        "content_id": "p",
        "platform": "linkedin",
        "occurred_at": T0,
        "published_at": None,
        "content_type": None,
        "audience_member_id": None,
        "strategy_id": None,
        "content_cost": None,
        "likes": 0,
        "comments": 0,
        "shares": 0,
        "saves": 0,
        "impressions": 0,
        "reach": 0,
        "clicks": 0,
        "conversions": 0,
    }
    return SimpleNamespace(**(base | fields))


def test_latest_snapshot_wins_and_member_rows_fill_in() -> None:
    events = [
        _event(content_id="a", likes=5, reach=100, occurred_at=T0),
        _event(content_id="a", likes=9, reach=300, occurred_at=T0 + timedelta(hours=5)),
        _event(content_id="b", likes=1, audience_member_id="m1"),
        _event(content_id="b", comments=1, audience_member_id="m2"),
    ]
    metrics, _ = content_metrics(events)
    by_id = {m.content_id: m for m in metrics}
    assert by_id["a"].counters["likes"] == 9
    assert by_id["a"].counters["reach"] == 300
    assert by_id["a"].engagement_rate == pytest.approx(9 / 300)
    assert by_id["b"].interactions == 2
    assert by_id["b"].engagement_rate is None  # no reach known


def test_engagement_rates_are_normalised_by_platform_baselines() -> None:
    # Same creator, two platforms with very different typical rates.
    events = []
    for i in range(10):
        published = T0 + timedelta(days=i)
        events.append(
            _event(
                content_id=f"li{i}",
                platform="linkedin",
                likes=20,
                reach=1000,
                published_at=published,
                occurred_at=published + timedelta(hours=10),
            )
        )
        events.append(
            _event(
                content_id=f"ig{i}",
                platform="instagram",
                likes=80,
                reach=1000,
                published_at=published,
                occurred_at=published + timedelta(hours=10),
            )
        )
    metrics, baselines = content_metrics(events)
    assert baselines["linkedin"].measured_median == pytest.approx(0.02)
    assert baselines["instagram"].measured_median == pytest.approx(0.08)
    # Each piece is typical for its platform: normalised rates agree across platforms
    # (up to the prior's pull), raw rates differ fourfold.
    li = next(m for m in metrics if m.content_id == "li0")
    ig = next(m for m in metrics if m.content_id == "ig0")
    assert ig.engagement_rate == pytest.approx(4 * li.engagement_rate)
    assert li.normalised_engagement_rate == pytest.approx(1.0, abs=0.25)
    assert ig.normalised_engagement_rate == pytest.approx(1.0, abs=0.25)
    assert li.reach_velocity == pytest.approx(100.0)  # 1000 reach in 10 hours


def test_a_posts_reward_does_not_move_as_other_posts_are_measured() -> None:
    """The reward's engagement term uses the platform's prior, not the creator's running
    median: later, better posts must not lower an earlier post's reward (the policy would
    learn from a drifting scale), and each platform keeps its real difference."""
    first = _event(content_id="first", likes=60, reach=1000, published_at=T0)
    alone = reward_components(content_metrics([first])[0]).engagement_rate
    better = [
        _event(content_id=f"b{i}", likes=150, reach=1000, published_at=T0 + timedelta(days=i))
        for i in range(1, 30)
    ]
    metrics, baselines = content_metrics([first, *better])
    later = reward_components([m for m in metrics if m.content_id == "first"]).engagement_rate
    assert alone == later == pytest.approx(0.06 / DEFAULT_BASELINES["linkedin"])
    # What reports show still compares against the creator's own typical post.
    report_view = next(m for m in metrics if m.content_id == "first")
    assert report_view.normalised_engagement_rate is not None
    assert report_view.normalised_engagement_rate == pytest.approx(
        0.06 / baselines["linkedin"].rate
    )
    assert report_view.normalised_engagement_rate < later


def test_baseline_shrinks_from_prior_to_measured() -> None:
    prior = DEFAULT_BASELINES["linkedin"]
    assert platform_baselines({"linkedin": []})["linkedin"].rate == prior
    few = platform_baselines({"linkedin": [0.1]})["linkedin"].rate
    many = platform_baselines({"linkedin": [0.1] * 100})["linkedin"].rate
    assert prior < few < many < 0.1 + 1e-9
    assert many == pytest.approx(0.1, abs=0.005)


def test_reach_growth_compares_with_earlier_content() -> None:
    events = [
        _event(
            content_id=f"p{i}",
            reach=reach,
            likes=1,
            published_at=T0 + timedelta(days=i),
            occurred_at=T0 + timedelta(days=i, hours=1),
        )
        for i, reach in enumerate([100, 300, 400])
    ]
    metrics, _ = content_metrics(events)
    growth = [m.reach_growth for m in metrics]
    assert growth[0] is None
    assert growth[1] == pytest.approx(2.0)  # 300 vs 100
    assert growth[2] == pytest.approx(1.0)  # 400 vs mean(100, 300)


def test_reward_components_pool_a_strategys_pieces() -> None:
    events = [
        _event(content_id="a", likes=30, reach=1000, conversions=10, content_cost=2.0),
        _event(
            content_id="b",
            likes=10,
            reach=1000,
            conversions=0,
            content_cost=4.0,
            published_at=T0 + timedelta(days=1),
            occurred_at=T0 + timedelta(days=2),
        ),
    ]
    metrics, _ = content_metrics(events)
    components = reward_components(metrics)
    assert components.conversion_rate == pytest.approx(10 / 2000)
    assert components.content_cost == pytest.approx(3.0)
    assert components.reach_growth == pytest.approx(0.0)
    with pytest.raises(InputError, match="no engagement"):
        reward_components(content_metrics([_event(likes=1, audience_member_id="m")])[0])
