"""Helpers for the strategy tests: a deterministic embedder and synthetic engagement."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["WordHashEmbedder", "planted_audience", "snapshot_rows"]


class WordHashEmbedder:
    """Bag of words hashed into 64 dimensions, L2-normalised: texts that share words are
    similar, and the same text always gets the same vector (no model, no network)."""

    name = "test/word-hash-64"
    dimension = 64

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                digest = hashlib.sha256(word.encode()).digest()
                out[row, digest[0] % self.dimension] += 1.0
            norm = float(np.linalg.norm(out[row]))
            out[row] = out[row] / norm if norm else out[row]
        return out


def planted_audience(
    *, members: int, events_per_member: int, segments: int, seed: int = 0
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Interaction rows of an audience with ``segments`` planted segments, and the truth.

    Segments differ in peak hour (spread around the clock), weekend habit, preferred
    content type and interaction (likes vs comments vs shares).
    """
    rng = np.random.default_rng(seed)
    types = ("text", "image", "video")
    actions = ("likes", "comments", "shares")
    base = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
    rows: list[dict[str, Any]] = []
    truth: dict[str, int] = {}
    for m in range(members):
        segment = m % segments
        truth[f"m{m}"] = segment
        peak = (segment * 24) // segments
        for e in range(events_per_member):
            weekend = rng.random() < (0.8 if segment % 2 else 0.05)
            day = int(rng.integers(5, 7)) if weekend else int(rng.integers(0, 5))
            hour = (peak + round(rng.normal(0, 1.0))) % 24
            kind = types[segment % 3] if rng.random() < 0.8 else types[int(rng.integers(3))]
            action = actions[segment % 3] if rng.random() < 0.8 else "likes"
            when = base + timedelta(weeks=int(rng.integers(4)), days=day, hours=hour)
            rows.append(
                {
                    "external_id": f"i-{m}-{e}",
                    "content_id": f"post-{int(rng.integers(10))}",
                    "platform": "linkedin",
                    "content_type": kind,
                    "occurred_at": when.isoformat(),
                    "audience_member_id": f"m{m}",
                    action: 1,
                }
            )
    return rows, truth


def snapshot_rows(
    *,
    content_id: str,
    reach: int,
    interactions: int,
    published: datetime,
    platform: str = "linkedin",
    conversions: int = 0,
    strategy_id: int | None = None,
    external_id: str | None = None,
) -> dict[str, Any]:
    """One counters snapshot of a content piece, a day after it was published."""
    row: dict[str, Any] = {
        "external_id": external_id or f"snap-{platform}-{content_id}",
        "content_id": content_id,
        "platform": platform,
        "published_at": published.isoformat(),
        "occurred_at": (published + timedelta(days=1)).isoformat(),
        "likes": interactions,
        "reach": reach,
        "impressions": reach * 2,
        "conversions": conversions,
    }
    if strategy_id is not None:
        row["strategy_id"] = strategy_id
    return row
