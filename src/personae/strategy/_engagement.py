"""Engagement in: row-by-row validation, file parsing, and normalised performance.

**Rows.** An engagement event (:class:`EngagementRow`) is either

- a *snapshot* of a content piece's cumulative counters (no ``audience_member_id``): what
  platform analytics exports give, perhaps once a day; or
- one audience member's *interaction* (``audience_member_id`` set, e.g. ``likes=1``):
  what the audience clustering learns from.

A piece's totals are, per counter, the larger of its latest snapshot and the sum of its
member interactions (a snapshot already counts the interactions it saw, and member rows
alone still give totals when no snapshot exists). Rows are validated one by one
(:func:`validate_rows`): bad rows are reported with their row number and field, good
rows go in. The store makes ingestion idempotent on ``(owner, platform, external_id)``.

**Normalisation** (seed 003's analytics service):

- *engagement rate* = (likes + comments + shares + saves) / reach (impressions when no
  reach is known), divided by the **platform baseline**: the creator's own median rate
  on that platform, shrunk toward a prior (:data:`DEFAULT_BASELINES`) with the weight of
  :data:`BASELINE_PRIOR_PIECES` pieces. The priors are rough published industry averages;
  they matter only until the creator has content of their own. This is what reports show
  ("how did this post do against my typical one").
- the **reward's** engagement term is the rate divided by the platform's *prior* only
  (:attr:`ContentMetrics.reward_engagement_rate`): a fixed yardstick. The creator's running
  median would make the reward drift: as the policy finds better strategies the median
  rises, so the same post earns less later than earlier, and a platform the policy tries
  less keeps a low median and looks better than it is. Divided by the creator's own median
  per platform, each platform's typical post also scores 1, which hides the very
  difference between platforms the policy is choosing among. (Measured:
  ``benchmarks/loop_bench.py``.)
- *reach velocity* = reach per hour between publication and the latest snapshot.
- *reach growth* = reach / mean reach of the creator's previous
  :data:`GROWTH_WINDOW` pieces on the platform - 1 (0 for the first piece).
"""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Protocol

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from personae.errors import InputError
from personae.strategy._reward import RewardComponents

__all__ = [
    "BASELINE_PRIOR_PIECES",
    "COUNTERS",
    "DEFAULT_BASELINES",
    "GROWTH_WINDOW",
    "INTERACTIONS",
    "MAX_ROWS",
    "ContentMetrics",
    "EngagementLike",
    "EngagementRow",
    "MalformedRow",
    "PlatformBaseline",
    "RejectedRow",
    "content_metrics",
    "momentum",
    "parse_engagement_file",
    "platform_baselines",
    "reward_components",
    "validate_rows",
]

MAX_ROWS = 1_000_000
"""Most rows one import may hold."""

COUNTERS: tuple[str, ...] = (
    "likes",
    "comments",
    "shares",
    "saves",
    "impressions",
    "reach",
    "clicks",
    "conversions",
)
INTERACTIONS: tuple[str, ...] = ("likes", "comments", "shares", "saves")

DEFAULT_BASELINES: dict[str, float] = {
    "linkedin": 0.03,
    "instagram": 0.035,
    "tiktok": 0.045,
    "youtube": 0.02,
    "facebook": 0.01,
    "twitter": 0.01,
    "x": 0.01,
    "threads": 0.02,
    "blog": 0.01,
}
"""Prior engagement rate per platform (interactions per reach), before the creator's own."""

_FALLBACK_BASELINE = 0.02
BASELINE_PRIOR_PIECES = 5
GROWTH_WINDOW = 10
_MAX_INT = 2**31 - 1
_MIN_TIME = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_TIME = datetime(9000, 1, 1, tzinfo=UTC)


def _no_nul(value: str) -> str:
    """Refuse what a database text column cannot hold: NUL and lone surrogates."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL (\\x00) characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    if not _MIN_TIME <= value < _MAX_TIME:
        raise ValueError("timestamp must be between 1970 and 9000")
    return value


Identifier = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_nul)]
Platform = Annotated[str, BeforeValidator(_lower), Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,49}$")]
ContentType = Annotated[
    str, BeforeValidator(_lower), Field(min_length=1, max_length=50), AfterValidator(_no_nul)
]
Count = Annotated[int, Field(ge=0, le=_MAX_INT)]
Timestamp = Annotated[datetime, AfterValidator(_utc)]


class EngagementRow(BaseModel):
    """One engagement event as imported (API batch row, CSV line or JSON object)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    external_id: Identifier = Field(
        description="The event's id on the platform (or in your export); re-sending it updates."
    )
    content_id: Identifier = Field(description="The content piece the event is about.")
    platform: Platform = Field(description="linkedin, instagram, x … (lower case).")
    occurred_at: Timestamp = Field(
        validation_alias=AliasChoices("occurred_at", "timestamp"),
        description="When it happened (ISO 8601; no offset means UTC).",
    )
    published_at: Timestamp | None = Field(
        default=None, description="When the content piece was published."
    )
    content_type: ContentType | None = Field(
        default=None, description="text, image, video, carousel …"
    )
    likes: Count = 0
    comments: Count = 0
    shares: Count = 0
    saves: Count = 0
    impressions: Count = 0
    reach: Count = 0
    clicks: Count = 0
    conversions: Count = 0
    audience_member_id: Identifier | None = Field(
        default=None, description="Who interacted, when known (one member's interaction)."
    )
    strategy_id: int | None = Field(
        default=None, ge=1, le=_MAX_INT, description="The strategy the content followed."
    )
    content_cost: float | None = Field(
        default=None,
        ge=0.0,
        le=1e9,
        allow_inf_nan=False,
        description="What the content cost to make, in your unit.",
    )

    def key(self) -> tuple[str, str]:
        """What makes an event unique for its owner: ``(platform, external_id)``."""
        return (self.platform, self.external_id)


class MalformedRow(str):
    """A row the file format could not even split into fields; the text says why."""


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that was not imported, and why (``field`` is ``None`` for the whole row)."""

    row: int
    field: str | None
    message: str
    external_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "message": self.message,
            "external_id": self.external_id,
        }


def _printable(text: str) -> str:
    """A user's string as it can be echoed in a report: bounded, encodable, no NUL."""
    text = text[:200].replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")


def _blank_to_missing(raw: Mapping[str, Any]) -> dict[str, Any]:
    """CSV cells that are empty mean "not given", not an empty string."""
    return {
        key: value
        for key, value in raw.items()
        if not (isinstance(value, str) and not value.strip()) and value is not None
    }


def validate_rows(
    rows: Iterable[tuple[int, object]],
) -> tuple[list[tuple[int, EngagementRow]], list[RejectedRow]]:
    """Validate ``(row number, raw row)`` pairs one by one.

    Returns the good rows (with their numbers) and one :class:`RejectedRow` per problem of
    each bad row, so a report can list every field to fix at once.

    Examples
    --------
    >>> good, bad = validate_rows([(1, {"external_id": "e1", "content_id": "p1",
    ...     "platform": "LinkedIn", "occurred_at": "2026-01-05T09:00:00Z", "likes": "3"}),
    ...     (2, {"external_id": "e2"})])
    >>> (len(good), good[0][1].platform, sorted({r.field for r in bad}))
    (1, 'linkedin', ['content_id', 'occurred_at', 'platform'])
    """
    good: list[tuple[int, EngagementRow]] = []
    bad: list[RejectedRow] = []
    for number, raw in rows:
        if isinstance(raw, MalformedRow):
            bad.append(RejectedRow(number, None, str(raw)))
            continue
        if not isinstance(raw, Mapping) or not all(isinstance(k, str) for k in raw):
            bad.append(RejectedRow(number, None, "a row must be an object of named fields"))
            continue
        external = raw.get("external_id")
        external_id = _printable(external) if isinstance(external, str) else None
        try:
            row = EngagementRow.model_validate(_blank_to_missing(raw))
        except ValidationError as exc:
            for error in exc.errors(include_url=False, include_input=False):
                where = _printable(".".join(str(part) for part in error["loc"])) or None
                bad.append(RejectedRow(number, where, error["msg"], external_id))
            continue
        if row.published_at is not None and row.published_at > row.occurred_at:
            bad.append(
                RejectedRow(
                    number, "published_at", "published after the event occurred", external_id
                )
            )
            continue
        good.append((number, row))
    return good, bad


# -- files ------------------------------------------------------------------------------


def parse_engagement_file(
    text: str, *, fmt: Literal["csv", "json"]
) -> Iterator[tuple[int, object]]:
    """The raw rows of a CSV or JSON export, numbered for the rejected-row report.

    CSV: a header line naming the fields, then one event per line; rows are numbered by
    their line in the file. JSON: an array of objects, or ``{"events": [...]}``; rows are
    numbered from 1.

    Raises
    ------
    InputError
        Not valid JSON, not an array of rows, a CSV without a header, or more than
        :data:`MAX_ROWS` rows.
    """
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg} at line {exc.lineno})") from exc
        if isinstance(data, dict) and isinstance(data.get("events"), list):
            data = data["events"]
        if not isinstance(data, list):
            raise InputError('a JSON engagement file is an array of events, or {"events": [...]}')
        if len(data) > MAX_ROWS:
            raise InputError(f"{len(data):,} rows; at most {MAX_ROWS:,} per import")
        yield from enumerate(data, start=1)
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise InputError("the CSV file is empty: it needs a header line naming the fields")
    names = [name.strip() for name in reader.fieldnames]
    reader.fieldnames = names
    count = 0
    try:
        for raw in reader:
            count += 1
            if count > MAX_ROWS:
                raise InputError(f"more than {MAX_ROWS:,} rows; split the file")
            if raw.pop(None, None):
                yield reader.line_num, MalformedRow("the line has more cells than the header")
                continue
            yield reader.line_num, raw
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file (line {reader.line_num}: {exc})") from exc


# -- normalisation ----------------------------------------------------------------------


class EngagementLike(Protocol):
    """What normalisation reads from a stored event (the store's row satisfies it)."""

    @property
    def content_id(self) -> str: ...
    @property
    def platform(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def content_type(self) -> str | None: ...
    @property
    def audience_member_id(self) -> str | None: ...
    @property
    def strategy_id(self) -> int | None: ...
    @property
    def content_cost(self) -> float | None: ...
    @property
    def likes(self) -> int: ...
    @property
    def comments(self) -> int: ...
    @property
    def shares(self) -> int: ...
    @property
    def saves(self) -> int: ...
    @property
    def impressions(self) -> int: ...
    @property
    def reach(self) -> int: ...
    @property
    def clicks(self) -> int: ...
    @property
    def conversions(self) -> int: ...


@dataclass(frozen=True, slots=True)
class ContentMetrics:
    """One content piece on one platform: its totals and normalised performance."""

    content_id: str
    platform: str
    content_type: str | None
    published_at: datetime
    last_seen_at: datetime
    strategy_id: int | None
    content_cost: float | None
    counters: Mapping[str, int]
    engagement_rate: float | None
    """Interactions per reach (or impressions), as measured."""
    normalised_engagement_rate: float | None
    """``engagement_rate`` divided by the platform baseline (1 = typical for this creator)."""
    reward_engagement_rate: float | None
    """``engagement_rate`` divided by the platform's prior (1 = typical for the platform):
    the reward's term, the same yardstick for every decision (see the module docstring)."""
    reach_velocity: float | None
    """Reach per hour from publication to the latest snapshot."""
    reach_growth: float | None
    """Reach against the mean of the previous pieces on the platform, minus 1."""
    conversion_rate: float | None

    @property
    def interactions(self) -> int:
        return sum(self.counters[name] for name in INTERACTIONS)

    @property
    def audience(self) -> int:
        """Reach, or impressions when the platform gave no reach."""
        return self.counters["reach"] or self.counters["impressions"]


@dataclass(frozen=True, slots=True)
class PlatformBaseline:
    """The engagement rate that counts as typical for a creator on a platform."""

    platform: str
    rate: float
    prior: float
    measured_median: float | None
    content_count: int


def _raw(events: Sequence[EngagementLike]) -> dict[tuple[str, str], dict[str, Any]]:
    pieces: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events:
        key = (event.platform, event.content_id)
        piece = pieces.get(key)
        if piece is None:
            piece = pieces[key] = {
                "snapshot": None,
                "member": dict.fromkeys(COUNTERS, 0),
                "first": event.occurred_at,
                "last": event.occurred_at,
                "published": None,
                "types": Counter(),
                "strategies": Counter(),
                "cost": None,
            }
        piece["first"] = min(piece["first"], event.occurred_at)
        piece["last"] = max(piece["last"], event.occurred_at)
        if event.published_at is not None:
            old = piece["published"]
            piece["published"] = event.published_at if old is None else min(old, event.published_at)
        if event.content_type:
            piece["types"][event.content_type] += 1
        if event.strategy_id is not None:
            piece["strategies"][event.strategy_id] += 1
        if event.content_cost is not None:
            piece["cost"] = max(piece["cost"] or 0.0, event.content_cost)
        counts = {name: int(getattr(event, name)) for name in COUNTERS}
        if event.audience_member_id is None:
            snap = piece["snapshot"]
            if snap is None or event.occurred_at >= snap[0]:
                if snap is not None and event.occurred_at == snap[0]:
                    counts = {n: max(counts[n], snap[1][n]) for n in COUNTERS}
                piece["snapshot"] = (event.occurred_at, counts)
        else:
            for name in COUNTERS:
                piece["member"][name] += counts[name]
    return pieces


def platform_baselines(rates: Mapping[str, Sequence[float]]) -> dict[str, PlatformBaseline]:
    """Each platform's baseline from the creator's measured engagement rates on it."""
    out: dict[str, PlatformBaseline] = {}
    for platform, values in rates.items():
        prior = DEFAULT_BASELINES.get(platform, _FALLBACK_BASELINE)
        median = statistics.median(values) if values else None
        n = len(values)
        rate = (
            prior
            if median is None
            else (n * median + BASELINE_PRIOR_PIECES * prior) / (n + BASELINE_PRIOR_PIECES)
        )
        out[platform] = PlatformBaseline(
            platform=platform,
            rate=max(rate, 1e-6),
            prior=prior,
            measured_median=median,
            content_count=n,
        )
    return out


def content_metrics(
    events: Sequence[EngagementLike],
) -> tuple[list[ContentMetrics], dict[str, PlatformBaseline]]:
    """Every content piece's totals and normalised performance, oldest first, and the
    platform baselines they were normalised with."""
    pieces = _raw(events)
    built: list[dict[str, Any]] = []
    rates: dict[str, list[float]] = defaultdict(list)
    for (platform, content_id), piece in pieces.items():
        snapshot = piece["snapshot"][1] if piece["snapshot"] is not None else None
        counters = {
            name: max(snapshot[name] if snapshot else 0, piece["member"][name]) for name in COUNTERS
        }
        audience = counters["reach"] or counters["impressions"]
        interactions = sum(counters[name] for name in INTERACTIONS)
        rate = interactions / audience if audience else None
        if rate is not None:
            rates[platform].append(rate)
        published = piece["published"] or piece["first"]
        built.append(
            {
                "content_id": content_id,
                "platform": platform,
                "types": piece["types"],
                "strategies": piece["strategies"],
                "cost": piece["cost"],
                "published": published,
                "last": piece["last"],
                "counters": counters,
                "audience": audience,
                "rate": rate,
                "snapshot_at": piece["snapshot"][0] if piece["snapshot"] is not None else None,
            }
        )
    baselines = platform_baselines(rates)
    built.sort(key=lambda item: (item["published"], item["platform"], item["content_id"]))
    history: dict[str, list[int]] = defaultdict(list)
    out: list[ContentMetrics] = []
    for item in built:
        platform = item["platform"]
        audience = item["audience"]
        previous = history[platform][-GROWTH_WINDOW:]
        growth = None
        if previous and audience:
            mean_before = statistics.fmean(previous)
            growth = audience / mean_before - 1.0 if mean_before > 0 else None
        if audience:
            history[platform].append(audience)
        velocity = None
        if item["snapshot_at"] is not None and audience:
            hours = (item["snapshot_at"] - item["published"]).total_seconds() / 3600.0
            velocity = audience / hours if hours > 0 else None
        rate = item["rate"]
        baseline = baselines.get(platform)
        normalised = rate / baseline.rate if rate is not None and baseline else None
        counters = item["counters"]
        out.append(
            ContentMetrics(
                content_id=item["content_id"],
                platform=platform,
                content_type=item["types"].most_common(1)[0][0] if item["types"] else None,
                published_at=item["published"],
                last_seen_at=item["last"],
                strategy_id=item["strategies"].most_common(1)[0][0] if item["strategies"] else None,
                content_cost=item["cost"],
                counters=counters,
                engagement_rate=rate,
                normalised_engagement_rate=normalised,
                reward_engagement_rate=(
                    rate / baseline.prior if rate is not None and baseline else None
                ),
                reach_velocity=velocity,
                reach_growth=growth,
                conversion_rate=counters["conversions"] / audience if audience else None,
            )
        )
    return out, baselines


def reward_components(pieces: Sequence[ContentMetrics]) -> RewardComponents:
    """The seed's reward inputs for a strategy that produced these pieces.

    The engagement rate against the platform's prior (:attr:`ContentMetrics.
    reward_engagement_rate`, a yardstick that does not move as content accumulates) and
    reach growth are averaged over the pieces, conversions are pooled over their reach,
    and the cost is the mean cost per piece.

    Raises
    ------
    InputError
        No piece has a reach (or impressions) to measure a rate against.
    """
    measured = [p for p in pieces if p.reward_engagement_rate is not None]
    if not measured:
        raise InputError(
            "no engagement with a reach or impressions count for this strategy's content yet; "
            "import its engagement first"
        )
    audience = sum(p.audience for p in measured)
    growths = [p.reach_growth for p in measured if p.reach_growth is not None]
    costs = [p.content_cost for p in pieces if p.content_cost is not None]
    return RewardComponents(
        engagement_rate=min(
            statistics.fmean(p.reward_engagement_rate or 0.0 for p in measured), 1e6
        ),
        reach_growth=max(-1.0, min(statistics.fmean(growths), 1e6)) if growths else 0.0,
        conversion_rate=min(1.0, sum(p.counters["conversions"] for p in measured) / audience),
        content_cost=statistics.fmean(costs) if costs else 0.0,
    )


def momentum(pieces: Sequence[ContentMetrics], *, last: int = 5) -> float:
    """The creator's recent reach growth (mean of the last pieces'), clipped to -1..1."""
    growths = [p.reach_growth for p in pieces if p.reach_growth is not None][-last:]
    if not growths:
        return 0.0
    value = statistics.fmean(growths)
    return max(-1.0, min(1.0, value)) if math.isfinite(value) else 0.0
