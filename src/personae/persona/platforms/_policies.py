"""A platform's constraints as data, and what the rules and strategies produce.

The policies (length, hashtags, emoji, links, formatting) every platform plugin fills in
with published numbers, the measures a text is judged on, and the result types of
validation (:class:`RuleResult`, :class:`PlatformReport`) and optimisation
(:class:`Strategy`). Part of :mod:`personae.persona.platforms`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ERROR_WEIGHT",
    "WARNING_WEIGHT",
    "Bounds",
    "EmojiPolicy",
    "FormattingPolicy",
    "HashtagPolicy",
    "LengthPolicy",
    "LinkPolicy",
    "PlatformConstraints",
    "PlatformInfo",
    "PlatformReport",
    "RuleResult",
    "Severity",
    "Strategy",
    "StrategyInfo",
    "TextMeasures",
]

Severity = Literal["error", "warning"]

ERROR_WEIGHT = 0.6
"""How much one failed ``error`` rule takes from platform quality (a factor of 0.4 left)."""
WARNING_WEIGHT = 0.2
"""How much one ``warning`` rule takes at most, in proportion to how far the text misses it."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bounds(_Model):
    """An inclusive range; either end may be open (``None``)."""

    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies inside the range."""
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def miss(self, value: float) -> float:
        """How far ``value`` lies outside, relative to the bound it misses, capped at 1.

        0 inside the range; ``(value - max) / max`` above it, ``(min - value) / min``
        below it; a bound of 0 is missed fully by any excess.
        """
        if self.max is not None and value > self.max:
            return 1.0 if self.max == 0 else min(1.0, (value - self.max) / self.max)
        if self.min is not None and value < self.min:
            return min(1.0, (self.min - value) / self.min)
        return 0.0

    def __str__(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{self.min:,}–{self.max:,}" if self.min != self.max else f"{self.min:,}"
        if self.max == 0:
            return "none"
        if self.max is not None:
            return f"at most {self.max:,}"
        if self.min is not None:
            return f"at least {self.min:,}"
        return "any"


class LengthPolicy(_Model):
    """How long a post may be and should be."""

    counting: Literal["characters", "weighted"] = Field(
        default="characters",
        description="'characters': Unicode code points after NFC; 'weighted': X's weighted "
        "count (URLs 23, emoji and CJK 2).",
    )
    max_chars: int | None = Field(
        default=None, ge=1, description="Hard limit: the platform refuses or cuts longer posts."
    )
    recommended_chars: Bounds | None = None
    recommended_words: Bounds | None = None
    preview_chars: int | None = Field(
        default=None,
        ge=1,
        description="Characters shown before 'see more': the opening sentence should fit.",
    )
    source: str = Field(description="Where each number comes from.")


class HashtagPolicy(_Model):
    """How many hashtags a post may and should carry."""

    max: int | None = Field(default=None, ge=0, description="Hard limit, if the platform has one.")
    recommended: Bounds | None = None
    source: str


class EmojiPolicy(_Model):
    """Whether emoji belong, and how many."""

    allowed: bool = True
    recommended_max: int | None = Field(default=None, ge=0)
    source: str


class LinkPolicy(_Model):
    """Whether links work in the text, and how they are counted."""

    allowed: bool = Field(default=True, description="False: the platform refuses links.")
    clickable: bool = Field(default=True, description="False: links show as dead text.")
    counted_as: int | None = Field(
        default=None, ge=0, description="Characters one link counts for, whatever its length."
    )
    source: str


class FormattingPolicy(_Model):
    """What formatting the platform renders, and how a text should be laid out."""

    line_breaks: bool = Field(default=True, description="Line breaks are kept when published.")
    markdown: bool = Field(
        default=False, description="Markdown (headings, **bold**) is rendered, not shown as is."
    )
    headings: Literal["required", "optional", "unsupported"] = "unsupported"
    lists: bool = Field(default=True, description="One item per line reads well here.")
    max_paragraph_words: int | None = Field(default=None, ge=1)
    max_section_words: int | None = Field(
        default=None, ge=1, description="Most words under one heading (or before the first)."
    )
    source: str


class PlatformConstraints(_Model):
    """Everything a platform limits or recommends, each part with its source."""

    length: LengthPolicy
    hashtags: HashtagPolicy
    emoji: EmojiPolicy
    links: LinkPolicy
    formatting: FormattingPolicy


class TextMeasures(_Model):
    """What the rules measure in one text (counted as the platform counts)."""

    length: int = Field(description="Length as the platform counts it (see counting).")
    characters: int = Field(
        description="Unicode code points after NFC, surrounding space left out."
    )
    words: int
    hashtags: int
    mentions: int
    urls: int
    emoji: int
    headings: int
    markdown_marks: int
    paragraphs: int
    longest_paragraph_words: int
    longest_section_words: int
    opening_chars: int = Field(
        description="Characters up to the end of the first sentence or line."
    )


class RuleResult(_Model):
    """The outcome of one validation rule on one text."""

    rule_id: str = Field(description="Stable id, e.g. 'length.max_chars' or 'hashtags.max'.")
    passed: bool
    severity: Severity
    message: str = Field(description="What was measured and what the limit is, for a person.")
    measured: int | float
    limit: int | float | Bounds
    miss: float = Field(
        ge=0.0, le=1.0, description="How far the text misses the rule: 0 passed, 1 fully."
    )


@dataclass(frozen=True, slots=True)
class Strategy:
    """A named way to repair texts that fail some rules.

    ``instruction`` is written for an LLM revising the text; ``fix``, when present, is a
    deterministic edit that is safe without one. A fix returns its input unchanged when
    there is nothing to repair, so applying it twice changes nothing more.
    """

    name: str
    rules: tuple[str, ...]
    instruction: str
    fix: Callable[[str], str] | None = None


class StrategyInfo(_Model):
    """A strategy as the API and the CLI show it."""

    name: str
    rules: list[str]
    instruction: str
    has_fix: bool


class PlatformReport(_Model):
    """One text checked against one platform: the rules, their score, what can be fixed."""

    platform: str
    passed: bool = Field(description="No error rule failed: the platform will take the text.")
    platform_optimization_quality: float = Field(ge=0.0, le=1.0)
    measures: TextMeasures
    rules: list[RuleResult] = Field(description="Errors first, then warnings.")
    fixable: list[str] = Field(
        description="Strategies with a deterministic fix for a failed rule (apply_fixes runs them)."
    )


class PlatformInfo(_Model):
    """A platform described for people and clients: limits, guidance and strategies."""

    name: str
    display_name: str
    description: str
    aliases: list[str]
    constraints: PlatformConstraints
    prompt_guidance: list[str]
    strategies: list[StrategyInfo]


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _hashtag_keep(policy: HashtagPolicy) -> int | None:
    """How many hashtags the trimming fix keeps: the recommended maximum, else the hard one."""
    if policy.recommended is not None and policy.recommended.max is not None:
        return policy.recommended.max
    return policy.max


def _hashtag_range(policy: HashtagPolicy) -> str:
    if policy.recommended is not None:
        return str(policy.recommended)
    return f"at most {policy.max}" if policy.max is not None else "any number of"
