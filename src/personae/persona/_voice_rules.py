"""The measurable part of a persona's stated voice: go-to and avoid words, and style rules.

A persona stores what the LLM wrote about its voice in two JSON columns,
``tonal_range`` and ``stylistic_constraints`` (seed 001's shape; see below). Tones
cannot be measured without a model, and this module never uses one; what *can* be
counted is read from those columns into :class:`VoiceRules`, and
:func:`personae.persona.score_content` checks a text against them (the consistency
score).

Keys read (any level of nesting shown works; everything else is ignored)::

    {
      "go_to_words": ["ship", "customers"],      # also lexical_features.go_to_words
      "go_to_phrases": ["here is the thing"],
      "avoid_words": ["synergy", "leverage"],    # also lexical_features.avoid_words
      "avoid_phrases": ["circle back"],
      "sentence_length": {"min": 8, "max": 18},  # average words per sentence; or [8, 18]
      "contractions": true,                      # or "use" / "avoid"
      "perspective": "first person singular",    # or "I", "we", "you", "third"
      "punctuation": {"exclamation_points": "never"},   # or "rarely" / "sparingly"
      "emoji": "avoid",                          # also formatting.emoji(s)
      "default_tone": "candid",                  # tonal_range: reported, not measured
      "permissible_tones": ["playful"],
      "forbidden_tones": ["snarky"]              # or tonal_range.forbidden
    }
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Perspective", "Usage", "VoiceRules"]

Usage = Literal["avoid", "sparing", "use"]
Perspective = Literal["first_singular", "first_plural", "second", "third"]

_MAX_TERMS = 100  # a list longer than this is not a persona's vocabulary but a dump


class VoiceRules(BaseModel):
    """What a persona says about its voice that a program can check."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    go_to: list[str] = Field(default_factory=list, description="Words and phrases to use.")
    avoid: list[str] = Field(default_factory=list, description="Words and phrases never to use.")
    sentence_length: tuple[float, float] | None = Field(
        default=None, description="Average words per sentence: (min, max)."
    )
    contractions: Literal["avoid", "use"] | None = None
    perspective: Perspective | None = None
    exclamations: Usage | None = None
    emoji: Usage | None = None
    default_tone: str | None = None
    permissible_tones: list[str] = Field(default_factory=list)
    forbidden_tones: list[str] = Field(default_factory=list)

    @property
    def measurable(self) -> bool:
        """Whether any rule here can be checked on a text."""
        return bool(
            self.go_to
            or self.avoid
            or self.sentence_length
            or self.contractions
            or self.perspective
            or self.exclamations in {"avoid", "sparing"}
            or self.emoji in {"avoid", "sparing"}
        )

    @classmethod
    def from_persona(
        cls,
        tonal_range: Mapping[str, Any] | None = None,
        stylistic_constraints: Mapping[str, Any] | None = None,
    ) -> VoiceRules:
        """Read the rules from a persona's ``tonal_range`` and ``stylistic_constraints``."""
        merged: dict[str, Any] = {}
        if stylistic_constraints:
            merged.update(stylistic_constraints)
        if tonal_range:
            merged["tonal_range"] = dict(tonal_range)
        return cls.from_mapping(merged)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> VoiceRules:
        """Read the rules from one JSON object (see the module docstring for the keys).

        Unknown keys and values of the wrong type are ignored: the columns hold what an
        LLM wrote, and a rule that cannot be read is simply not checked.
        """
        if not data:
            return cls()
        found: dict[str, list[Any]] = {}
        for key, value in _walk(data):
            found.setdefault(key, []).append(value)

        def first(*keys: str) -> Any:
            for key in keys:
                if key in found:
                    return found[key][0]
            return None

        def terms(*keys: str) -> list[str]:
            out: list[str] = []
            for key in keys:
                for value in found.get(key, []):
                    out.extend(_strings(value))
            return list(dict.fromkeys(t for t in out if t))[:_MAX_TERMS]

        tonal = first("tonal_range")
        tonal = tonal if isinstance(tonal, Mapping) else {}
        return cls(
            go_to=terms("go_to_words", "go_to_phrases", "go_to", "preferred_words"),
            avoid=terms("avoid_words", "avoid_phrases", "avoid", "banned_words"),
            sentence_length=_bounds(first("sentence_length", "average_sentence_length")),
            contractions=_contractions(first("contractions")),
            perspective=_perspective(first("perspective", "point_of_view")),
            exclamations=_usage(first("exclamation_points", "exclamation_marks", "exclamations")),
            emoji=_usage(first("emoji", "emojis")),
            default_tone=_string(first("default_tone") or tonal.get("default")),
            permissible_tones=terms("permissible_tones") or _strings(tonal.get("permissible")),
            forbidden_tones=terms("forbidden_tones") or _strings(tonal.get("forbidden")),
        )

    def occurrences(self, text: str, term: str) -> int:
        """How often ``term`` (a word or phrase) occurs in ``text``, case-insensitively."""
        return len(_term_pattern(term).findall(text))


def _walk(data: Mapping[str, Any], depth: int = 0) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair, nested mappings included, keys lower-cased."""
    if depth > 4:
        return
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        yield key.strip().lower().replace("-", "_").replace(" ", "_"), value
        if isinstance(value, Mapping):
            yield from _walk(value, depth + 1)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return []


def _string(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _bounds(value: Any) -> tuple[float, float] | None:
    low: Any = None
    high: Any = None
    if isinstance(value, Mapping):
        low, high = value.get("min"), value.get("max")
    elif isinstance(value, list | tuple) and len(value) == 2:
        low, high = value
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high)):
        return None
    low, high = float(low), float(high)
    if not 0 < low <= high < 1000:
        return None
    return low, high


_AVOID_RE = re.compile(r"\b(never|avoid|no|none|not|don't|do not|forbidden|banned)\b", re.I)
_SPARING_RE = re.compile(
    r"\b(rare|rarely|sparing|sparingly|minimal|occasional|few|limited)\b", re.I
)


def _usage(value: Any) -> Usage | None:
    if isinstance(value, bool):
        return "use" if value else "avoid"
    if not isinstance(value, str):
        return None
    if _SPARING_RE.search(value):
        return "sparing"
    if _AVOID_RE.search(value):
        return "avoid"
    return "use"


def _contractions(value: Any) -> Literal["avoid", "use"] | None:
    usage = _usage(value)
    if usage == "sparing":
        return None
    return usage


_PERSPECTIVES: tuple[tuple[re.Pattern[str], Perspective], ...] = (
    (re.compile(r"\b(first[ _-]person[ _-]plural|we|us|our)\b", re.I), "first_plural"),
    (re.compile(r"\b(first[ _-]person|first[ _-]singular|i|me|my)\b", re.I), "first_singular"),
    (re.compile(r"\b(second|you|your)\b", re.I), "second"),
    (re.compile(r"\b(third|they|he|she)\b", re.I), "third"),
)


def _perspective(value: Any) -> Perspective | None:
    if not isinstance(value, str):
        return None
    for pattern, perspective in _PERSPECTIVES:
        if pattern.search(value):
            return perspective
    return None


def _term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(part) for part in term.lower().split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
