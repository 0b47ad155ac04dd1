"""The checks inside two of the quality dimensions (see :mod:`personae.persona._quality`):
**linguistic quality** (readability and variety of the text's fingerprint) and
**consistency** (the text against what the persona says about its voice). Each check is a
:class:`SubScore`: what was measured, against what, and its score in [0, 1].
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from personae.persona._voice_rules import VoiceRules
from personae.style import Fingerprint

__all__ = ["SubScore", "clamp", "consistency_checks", "linguistic_checks", "round_score"]

# Readability thresholds of Yoast SEO's readability analysis (yoast.com, "Readability
# analysis"): Flesch reading ease of 60 or more passes; at most 25 % of sentences may run
# over 20 words. The zero points (30; 40 words) are where the score reaches 0: Flesch 30
# is "very difficult" (college graduate), and a quarter of sentences over 40 words is
# twice the limit.
READING_EASE_TARGET = 60.0
READING_EASE_ZERO = 30.0
LONG_SENTENCE_WORDS = 20.0
LONG_SENTENCE_ZERO = 40.0
# Variety thresholds, chosen on the bundled sample writers (all of whom pass): a
# coefficient of variation of sentence length of 0.35 and a MATTR (window 50) of 0.70.
SENTENCE_VARIETY_TARGET = 0.35
MATTR_TARGET = 0.70
MATTR_ZERO = 0.50
_MIN_SENTENCES_FOR_VARIETY = 3
_MIN_WORDS_FOR_MATTR = 50


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubScore(_Model):
    """One check inside a dimension: what was measured, against what, and its score."""

    key: str = Field(description="Stable id, e.g. 'reading_ease' or 'avoid_words'.")
    label: str
    score: float = Field(ge=0.0, le=1.0)
    measured: float | str | None
    target: str
    message: str


def clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def round_score(value: float) -> float:
    return round(clamp(value), 4)


# -- linguistic ----------------------------------------------------------------------------


def linguistic_checks(fp: Fingerprint) -> list[SubScore]:
    out = []
    if fp.readability is not None:
        ease = fp.readability.flesch_reading_ease
        score = (ease - READING_EASE_ZERO) / (READING_EASE_TARGET - READING_EASE_ZERO)
        out.append(
            SubScore(
                key="reading_ease",
                label="readability",
                score=round_score(score),
                measured=round(ease, 1),
                target=f"Flesch reading ease ≥ {READING_EASE_TARGET:.0f}",
                message=f"Flesch reading ease {ease:.0f}; {READING_EASE_TARGET:.0f} or more "
                "reads easily (use shorter sentences and everyday words)",
            )
        )
    lengths = fp.sentence_analysis.sentence_length_distribution
    p75 = lengths.p75
    out.append(
        SubScore(
            key="long_sentences",
            label="sentence length",
            score=round_score(
                1 - (p75 - LONG_SENTENCE_WORDS) / (LONG_SENTENCE_ZERO - LONG_SENTENCE_WORDS)
            ),
            measured=round(p75, 1),
            target=f"at most a quarter of sentences over {LONG_SENTENCE_WORDS:.0f} words",
            message=f"a quarter of the sentences run {p75:.0f} words or longer; keep at least "
            f"three in four at {LONG_SENTENCE_WORDS:.0f} words or fewer (split the longest)",
        )
    )
    if fp.sentence_analysis.sentence_count >= _MIN_SENTENCES_FOR_VARIETY and lengths.average > 0:
        variation = lengths.stdev / lengths.average
        out.append(
            SubScore(
                key="sentence_variety",
                label="sentence variety",
                score=round_score(variation / SENTENCE_VARIETY_TARGET),
                measured=round(variation, 3),
                target=f"variation of sentence length ≥ {SENTENCE_VARIETY_TARGET}",
                message=f"sentence lengths vary by {variation:.0%} of their mean; mix short and "
                f"long sentences (aim for {SENTENCE_VARIETY_TARGET:.0%} or more)",
            )
        )
    if fp.word_count >= _MIN_WORDS_FOR_MATTR:
        mattr = fp.vocabulary_analysis.lexical_diversity
        out.append(
            SubScore(
                key="vocabulary_variety",
                label="vocabulary variety",
                score=round_score((mattr - MATTR_ZERO) / (MATTR_TARGET - MATTR_ZERO)),
                measured=round(mattr, 3),
                target=f"MATTR ≥ {MATTR_TARGET}",
                message=f"vocabulary variety (MATTR) {mattr:.2f}; repeat fewer words "
                f"(aim for {MATTR_TARGET:.2f} or more)",
            )
        )
    return out


# -- consistency ---------------------------------------------------------------------------


def consistency_checks(text: str, fp: Fingerprint, rules: VoiceRules) -> list[SubScore]:
    out = []
    if rules.avoid:
        used = {term: rules.occurrences(text, term) for term in rules.avoid}
        used = {term: n for term, n in used.items() if n}
        total = sum(used.values())
        listed = ", ".join(f"'{t}' ({n}×)" for t, n in used.items())
        out.append(
            SubScore(
                key="avoid_words",
                label="words the persona avoids",
                score=round_score(1 / (1 + total)),
                measured=total,
                target="none",
                message=f"uses words the persona avoids: {listed}"
                if used
                else "uses none of the words the persona avoids",
            )
        )
    if rules.go_to:
        used_terms = [term for term in rules.go_to if rules.occurrences(text, term)]
        expected = max(1, min(len(rules.go_to), math.ceil(fp.word_count / 100)))
        missing = [t for t in rules.go_to if t not in used_terms][:5]
        out.append(
            SubScore(
                key="go_to_words",
                label="the persona's go-to words",
                score=round_score(len(used_terms) / expected),
                measured=len(used_terms),
                target=f"at least {expected} of them",
                message=f"uses {len(used_terms)} of the persona's go-to words (expected "
                f"{expected} for {fp.word_count} words); could use: {', '.join(missing)}"
                if len(used_terms) < expected
                else f"uses {len(used_terms)} of the persona's go-to words",
            )
        )
    if rules.sentence_length is not None:
        low, high = rules.sentence_length
        average = fp.sentence_analysis.sentence_length_distribution.average
        miss = (low - average) / low if average < low else (average - high) / high
        out.append(
            SubScore(
                key="sentence_length",
                label="sentence length",
                score=round_score(1 - max(0.0, miss)),
                measured=round(average, 1),
                target=f"{low:g}–{high:g} words on average",
                message=f"sentences average {average:.0f} words; the persona writes "
                f"{low:g}–{high:g}",
            )
        )
    if rules.contractions is not None and fp.contractions_per_100_words is not None:
        rate = fp.contractions_per_100_words
        if rules.contractions == "avoid":
            score, target = 1 / (1 + rate), "none"
            message = f"{rate:.1f} contractions per 100 words; the persona avoids them"
        else:
            score, target = rate / 1.0, "at least 1 per 100 words"
            message = f"{rate:.1f} contractions per 100 words; the persona uses them (it's, don't)"
        out.append(
            SubScore(
                key="contractions",
                label="contractions",
                score=round_score(score),
                measured=round(rate, 2),
                target=target,
                message=message,
            )
        )
    if rules.perspective is not None and fp.pronouns is not None:
        wanted = {"first_singular": "I", "first_plural": "we", "second": "you", "third": "they"}[
            rules.perspective
        ]
        dominant = fp.pronouns.dominant
        out.append(
            SubScore(
                key="perspective",
                label="perspective",
                score=1.0 if dominant in {wanted, "none"} else 0.0,
                measured=dominant,
                target=f"'{wanted}' dominant",
                message=f"the text speaks mostly as '{dominant}'; the persona writes as '{wanted}'",
            )
        )
    for key, usage, count, what in (
        ("exclamations", rules.exclamations, fp.rhetorical_analysis.exclamations, "exclamations"),
        ("emoji", rules.emoji, fp.social.emoji, "emoji"),
    ):
        if usage not in {"avoid", "sparing"}:
            continue
        allowed = 0 if usage == "avoid" else 1
        excess = max(0, count - allowed)
        out.append(
            SubScore(
                key=key,
                label=what,
                score=round_score(1 / (1 + excess)),
                measured=count,
                target="none" if allowed == 0 else "at most 1",
                message=f"{count} {what}; the persona uses "
                f"{'none' if allowed == 0 else 'them sparingly (at most 1)'}",
            )
        )
    return out
