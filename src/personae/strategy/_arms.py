"""Arms: a content strategy is one choice of topic × format × tone × posting hour × platform.

An :class:`Arm` knows its stable key (what the policies and the store index by), its five
attribute names (what LinUCB generalises over: ``format:video`` learned on one topic
helps every topic), a description (what the strategy memory graph embeds) and the
content brief a writer, or personae's content generation, can act on directly.

An :class:`ArmSpace` is the set of options a creator picks from; its arms are the
cartesian product, bounded by :data:`MAX_ARMS` so a recommendation stays fast.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from personae.errors import InputError

__all__ = [
    "ATTRIBUTES",
    "DEFAULT_FORMATS",
    "DEFAULT_POSTING_HOURS",
    "DEFAULT_TONES",
    "MAX_ARMS",
    "Arm",
    "ArmSet",
    "ArmSpace",
]

ATTRIBUTES: tuple[str, ...] = ("topic", "format", "tone", "hour", "platform")
"""The five dimensions of a strategy, in key order."""

MAX_ARMS = 5000
"""Most candidate strategies one recommendation weighs (the product of the options)."""

MAX_OPTIONS = 50
"""Most values one dimension may offer."""

DEFAULT_FORMATS: tuple[str, ...] = ("text", "image", "video", "carousel")
DEFAULT_TONES: tuple[str, ...] = ("informative", "conversational", "inspirational")
DEFAULT_POSTING_HOURS: tuple[int, ...] = (8, 12, 17, 20)

_VALUE = re.compile(r"^[^\x00-\x1f|=:]{1,100}$")


def _clean(value: str, what: str) -> str:
    text = " ".join(value.split()).lower()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = ""
    if not _VALUE.match(text):
        raise InputError(
            f"a {what} must be 1..100 characters without control characters, '|', '=' or ':'",
            field=what,
        )
    return text


@dataclass(frozen=True, slots=True)
class Arm:
    """One content strategy: what to post, how, in which voice, when and where.

    ``posting_hour`` is an hour of the day (0..23) in UTC, the clock of the engagement
    timestamps the policy learns from.
    """

    topic: str
    format: str
    tone: str
    posting_hour: int
    platform: str

    @property
    def key(self) -> str:
        """Stable identity, e.g. ``topic=ai|format=video|tone=witty|hour=9|platform=linkedin``."""
        return "|".join(
            f"{name}={value}" for name, value in zip(ATTRIBUTES, self.values, strict=True)
        )

    @property
    def values(self) -> tuple[str, str, str, str, str]:
        return (self.topic, self.format, self.tone, str(self.posting_hour), self.platform)

    @property
    def attributes(self) -> tuple[str, ...]:
        """Feature names of this arm: ``topic:ai``, ``format:video`` … (one per dimension)."""
        return tuple(f"{name}:{value}" for name, value in zip(ATTRIBUTES, self.values, strict=True))

    @classmethod
    def from_key(cls, key: str) -> Arm:
        """The arm a :attr:`key` names.

        Raises
        ------
        InputError
            Not a key this class writes.
        """
        parts = dict(part.split("=", 1) for part in key.split("|") if "=" in part)
        try:
            return cls(
                topic=parts["topic"],
                format=parts["format"],
                tone=parts["tone"],
                posting_hour=int(parts["hour"]),
                platform=parts["platform"],
            )
        except (KeyError, ValueError) as exc:
            raise InputError(f"not a strategy key: {key!r}") from exc

    def describe(self) -> str:
        """One sentence a person (and the embedder) reads: what this strategy is."""
        return (
            f"A {self.tone} {self.format} post about {self.topic} on {self.platform}, "
            f"published at {self.posting_hour:02d}:00 UTC."
        )

    def content_brief(self, *, audience: str | None = None) -> dict[str, Any]:
        """The brief content generation takes as it is: the five choices and instructions."""
        instructions = (
            f"Write a {self.format} post for {self.platform} about {self.topic}, in a "
            f"{self.tone} tone. Schedule it for {self.posting_hour:02d}:00 UTC."
        )
        if audience:
            instructions += f" Audience: {audience}."
        return {
            "topic": self.topic,
            "format": self.format,
            "tone": self.tone,
            "platform": self.platform,
            "posting_hour": self.posting_hour,
            "instructions": instructions,
        }


@dataclass(frozen=True, slots=True)
class ArmSet:
    """An ordered, duplicate-free list of candidate arms, with their keys precomputed."""

    arms: tuple[Arm, ...]
    keys: tuple[str, ...] = field(init=False)
    attributes: tuple[tuple[str, ...], ...] = field(init=False)

    def __post_init__(self) -> None:
        if not self.arms:
            raise InputError("there must be at least one candidate strategy")
        keys = tuple(arm.key for arm in self.arms)
        if len(set(keys)) != len(keys):
            raise InputError("candidate strategies must be distinct")
        object.__setattr__(self, "keys", keys)
        object.__setattr__(self, "attributes", tuple(arm.attributes for arm in self.arms))

    def __len__(self) -> int:
        return len(self.arms)

    def __getitem__(self, index: int) -> Arm:
        return self.arms[index]


@dataclass(frozen=True, slots=True)
class ArmSpace:
    """The options a creator chooses among; :meth:`arms` is their product.

    Values are normalised (lower case, single spaces) and de-duplicated in order.

    Raises
    ------
    InputError
        An empty dimension, more than :data:`MAX_OPTIONS` values in one, an hour outside
        0..23, a value that cannot be part of a key, or more than :data:`MAX_ARMS` arms.

    Examples
    --------
    >>> space = ArmSpace(topics=["ai"], formats=["video"], tones=["witty"],
    ...                  posting_hours=[9, 18], platforms=["linkedin"])
    >>> len(space.arms())
    2
    """

    topics: Sequence[str]
    formats: Sequence[str] = DEFAULT_FORMATS
    tones: Sequence[str] = DEFAULT_TONES
    posting_hours: Sequence[int] = DEFAULT_POSTING_HOURS
    platforms: Sequence[str] = ("linkedin",)

    def __post_init__(self) -> None:
        for name in ("topics", "formats", "tones", "platforms"):
            values = tuple(dict.fromkeys(_clean(v, name[:-1]) for v in getattr(self, name)))
            object.__setattr__(self, name, values)
        hours = tuple(dict.fromkeys(int(h) for h in self.posting_hours))
        if any(not 0 <= h <= 23 for h in hours):
            raise InputError("posting hours must be 0..23 (UTC)", field="posting_hours")
        object.__setattr__(self, "posting_hours", hours)
        sizes = {
            "topics": len(self.topics),
            "formats": len(self.formats),
            "tones": len(self.tones),
            "posting_hours": len(self.posting_hours),
            "platforms": len(self.platforms),
        }
        for name, size in sizes.items():
            if size == 0:
                raise InputError(f"{name} must offer at least one value", field=name)
            if size > MAX_OPTIONS:
                raise InputError(f"{name} offers {size} values; at most {MAX_OPTIONS}", field=name)
        total = 1
        for size in sizes.values():
            total *= size
        if total > MAX_ARMS:
            raise InputError(
                f"these options make {total:,} strategies; at most {MAX_ARMS:,} "
                "(offer fewer topics, formats, tones, hours or platforms)",
                arms=total,
                limit=MAX_ARMS,
            )

    def arms(self) -> ArmSet:
        """Every combination of the options, in a fixed order."""
        return ArmSet(
            tuple(
                Arm(topic=t, format=f, tone=o, posting_hour=h, platform=p)
                for t, f, o, h, p in itertools.product(
                    self.topics, self.formats, self.tones, self.posting_hours, self.platforms
                )
            )
        )
