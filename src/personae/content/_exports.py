"""Reading the analytics exports people actually have, by their real header names.

Each :class:`ExportFormat` maps the columns of one platform's export to personae's
fields; :func:`detect_format` picks the format from a file's header line, and a user's
``mapping`` (``field -> column``) overrides any column. The formats:

``linkedin``
    LinkedIn's post analytics export (member "Post performance" and company page
    "All posts" sheets saved as CSV): *Post URL* / *Post link*, *Post publish date* /
    *Created date*, *Impressions*, *Members reached*, *Reactions* / *Likes*,
    *Comments*, *Reposts*, *Clicks*.
``x``
    X (Twitter) analytics: the classic ``tweet_activity_metrics`` CSV (*Tweet id*,
    *time*, *impressions*, *likes*, *replies*, *retweets*, *url clicks*) and the newer
    content export (*Post id*, *Date*, *Impressions*, *Likes*, *Replies*, *Reposts*,
    *Bookmarks*, *URL Clicks*).
``facebook`` / ``instagram``
    Meta Business Suite's content export (*Post ID*, *Permalink*, *Publish time*,
    *Date*, *Impressions* / *Views*, *Reach*, *Reactions* / *Likes*, *Comments*,
    *Shares*, *Saves*, *Total clicks*); *Page ID* / *Page name* means Facebook,
    *Account username* / *Account ID* Instagram.
``generic``
    The documented CSV: ``external_id`` (the platform's id of the post, as publishing
    recorded it) or ``piece_id``, and optionally ``occurred_at`` (when the numbers were
    read; ISO 8601), ``published_at``, ``likes``, ``comments``, ``shares``, ``saves``,
    ``impressions``, ``reach``, ``clicks``, ``conversions``.

No strategy id is needed anywhere: the post's id finds the piece, and the piece knows its
persona version, platform, strategy and learning episode.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from personae.errors import InputError
from personae.strategy import COUNTERS

__all__ = [
    "EXPORT_FORMATS",
    "FIELDS",
    "ExportFormat",
    "ParsedRow",
    "detect_format",
    "read_row",
    "resolve_columns",
]

FIELDS = ("reference", "occurred_at", "published_at", *COUNTERS)
"""What a mapping may name: ``reference`` is the column naming the post."""


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One platform's export: its platform and the header names of each field (the
    first present wins)."""

    name: str
    platform: str | None
    columns: Mapping[str, tuple[str, ...]]
    markers: tuple[str, ...] = ()
    """Headers whose presence identifies the format."""


_META = {
    "reference": ("Post ID", "Permalink"),
    "occurred_at": ("Date",),
    "published_at": ("Publish time",),
    "impressions": ("Impressions", "Views"),
    "reach": ("Reach",),
    "likes": ("Reactions", "Likes"),
    "comments": ("Comments",),
    "shares": ("Shares",),
    "saves": ("Saves",),
    "clicks": ("Total clicks", "Link clicks"),
}

EXPORT_FORMATS: dict[str, ExportFormat] = {
    "facebook": ExportFormat(
        name="facebook", platform="facebook", columns=_META, markers=("Page ID", "Page name")
    ),
    "instagram": ExportFormat(
        name="instagram",
        platform="instagram",
        columns=_META,
        markers=("Account username", "Account ID", "Account name"),
    ),
    "linkedin": ExportFormat(
        name="linkedin",
        platform="linkedin",
        columns={
            "reference": ("Post URL", "Post link", "Post Link", "Update URL", "URN", "Post ID"),
            "occurred_at": ("Date", "Export date"),
            "published_at": ("Post publish date", "Created date", "Published date", "Posted date"),
            "impressions": ("Impressions",),
            "reach": ("Members reached", "Unique impressions", "Reach"),
            "likes": ("Reactions", "Likes"),
            "comments": ("Comments",),
            "shares": ("Reposts", "Shares"),
            "clicks": ("Clicks",),
        },
        markers=("Post URL", "Post link", "Post Link", "Members reached", "Reposts", "Update URL"),
    ),
    "x": ExportFormat(
        name="x",
        platform="x",
        columns={
            "reference": ("Tweet id", "Post id", "Tweet permalink", "Post Link"),
            "occurred_at": ("time", "Date"),
            "impressions": ("impressions", "Impressions"),
            "likes": ("likes", "Likes"),
            "comments": ("replies", "Replies"),
            "shares": ("retweets", "Reposts"),
            "saves": ("Bookmarks",),
            "clicks": ("url clicks", "URL Clicks"),
        },
        markers=("Tweet id", "Tweet permalink", "Post id"),
    ),
    "generic": ExportFormat(
        name="generic",
        platform=None,
        columns={
            "reference": ("external_id", "piece_id", "content_id"),
            "occurred_at": ("occurred_at", "timestamp", "date"),
            "published_at": ("published_at",),
            **{name: (name,) for name in COUNTERS},
        },
        markers=("external_id", "piece_id"),
    ),
}
"""Every format personae reads, by name, in the order :func:`detect_format` tries them
(Meta's exports first: their *Post ID* would pass for X's *Post id*)."""


def _key(header: str) -> str:
    return " ".join(header.strip().lower().split())


def detect_format(headers: Sequence[str]) -> ExportFormat:
    """The format whose marker headers the file has (compared without case).

    Raises
    ------
    InputError
        No format recognises the headers; the message lists what each expects.
    """
    present = {_key(h) for h in headers}
    for fmt in EXPORT_FORMATS.values():
        if any(_key(marker) in present for marker in fmt.markers):
            return fmt
    expected = "; ".join(
        f"{fmt.name}: {' or '.join(fmt.markers)}" for fmt in EXPORT_FORMATS.values()
    )
    raise InputError(
        "the file's header names no format personae reads; name one with --format, or map "
        f"the post id column with --map reference=<column>. Expected columns ({expected})",
        headers=list(headers)[:30],
    )


def resolve_columns(
    fmt: ExportFormat, headers: Sequence[str], mapping: Mapping[str, str]
) -> dict[str, str]:
    """``field -> header`` for this file: the user's mapping first, then the format's
    first alias present.

    Raises
    ------
    InputError
        A mapping names an unknown field or a column the file lacks, or no column names
        the post.
    """
    by_key = {_key(h): h for h in headers}
    columns: dict[str, str] = {}
    for name, wanted in mapping.items():
        if name not in FIELDS:
            raise InputError(f"--map {name}=…: not a field; fields are {', '.join(FIELDS)}")
        if _key(wanted) not in by_key:
            raise InputError(f"--map {name}={wanted}: the file has no column {wanted!r}")
        columns[name] = by_key[_key(wanted)]
    for name, aliases in fmt.columns.items():
        if name in columns:
            continue
        for alias in aliases:
            if _key(alias) in by_key:
                columns[name] = by_key[_key(alias)]
                break
    if "reference" not in columns:
        raise InputError(
            f"no column names the post ({' or '.join(fmt.columns['reference'])}); "
            "map one with --map reference=<column>"
        )
    return columns


@dataclass
class ParsedRow:
    """One export row read into personae's fields, or the reasons it cannot be."""

    reference: str | None
    occurred_at: datetime | None = None
    published_at: datetime | None = None
    counters: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M")


def _count(raw: str) -> int | None:
    text = raw.strip().replace(",", "").replace("\u202f", "").replace(" ", "")
    if text in ("", "-", "--", "n/a", "N/A"):
        return 0
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return int(value) if 0 <= value < 2**31 else None


def _time(raw: str) -> datetime | None:
    text = raw.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for pattern in _FORMATS:
            try:
                parsed = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def read_row(raw: Mapping[str, str | None], columns: Mapping[str, str]) -> ParsedRow:
    """One CSV row as :class:`ParsedRow`; every problem of the row is listed."""

    def cell(name: str) -> str:
        value = raw.get(columns[name]) if name in columns else None
        return value if isinstance(value, str) else ""

    reference = cell("reference").strip() or None
    row = ParsedRow(reference=reference[:500] if reference else None)
    if reference is None:
        row.problems.append(f"no post id in column {columns['reference']!r}")
    for name in ("occurred_at", "published_at"):
        text = cell(name)
        if not text.strip():
            continue
        when = _time(text)
        if when is None and name == "published_at":
            row.problems.append(f"{columns[name]}: not a date ({text[:40]!r})")
        setattr(row, name, when)  # an occurred_at like "Lifetime" means "as of now"
    for name in COUNTERS:
        if name not in columns:
            continue
        value = _count(cell(name))
        if value is None:
            row.problems.append(f"{columns[name]}: not a count ({cell(name)[:40]!r})")
        else:
            row.counters[name] = value
    return row
