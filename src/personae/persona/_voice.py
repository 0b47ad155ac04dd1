"""A measured voice written out for a prompt: numbers from ``personae.style``, in words."""

from __future__ import annotations

from personae.style import StyleProfile

__all__ = ["describe_voice"]

# The dimensions a writer (or a model) can act on, in the order they matter most.
_PROMPT_DIMENSIONS = (
    "sentence_length.average",
    "sentence_length.stdev",
    "sentence_type.question",
    "sentence_type.exclamation",
    "vocabulary.sophistication",
    "word_length.average",
    "contractions.per_100_words",
    "pronouns.first_singular",
    "pronouns.first_plural",
    "pronouns.second",
    "readability.flesch_reading_ease",
    "social.emoji_per_100_words",
    "social.hashtags_per_100_words",
    "paragraphs.average_words",
)


def _number(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.2g}" if value else "0"


def describe_voice(profile: StyleProfile) -> str:
    """One line per measured dimension: ``- average sentence length: 14 words (± 3)``."""
    dims = {d.key: d for d in profile.describe()}
    lines = []
    for key in _PROMPT_DIMENSIONS:
        dim = dims.get(key)
        if dim is None:
            continue
        unit = f" {dim.unit.strip()}" if dim.unit.strip() else ""
        lines.append(f"- {dim.label}: {_number(dim.value)}{unit} (± {_number(dim.spread)})")
    return "\n".join(lines)
