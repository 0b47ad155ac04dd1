"""Validation rules from a platform's constraints, and the quality score they give.

:func:`constraint_rules` turns the constraints into one :class:`RuleResult` per check;
:func:`score` turns results into platform optimisation quality in [0, 1] (never
estimated). Part of :mod:`personae.persona.platforms`; :class:`Platform` calls these.
"""

from __future__ import annotations

from personae.persona.platforms._policies import (
    ERROR_WEIGHT,
    WARNING_WEIGHT,
    Bounds,
    PlatformConstraints,
    RuleResult,
    Severity,
    TextMeasures,
    _count,
    _fmt,
)

__all__ = ["constraint_rules", "penalty", "ranged", "score", "upper"]


def constraint_rules(c: PlatformConstraints, name: str, m: TextMeasures) -> list[RuleResult]:
    """The rules the constraints ``c`` of platform ``name`` express, on the measures ``m``."""
    out: list[RuleResult] = []
    unit = "weighted characters" if c.length.counting == "weighted" else "characters"
    if c.length.max_chars is not None:
        limit = c.length.max_chars
        out.append(
            upper(
                "length.max_chars",
                "error",
                m.length,
                limit,
                f"{name}: {m.length:,} {unit}; the limit is {limit:,}",
            )
        )
    if c.length.recommended_chars is not None:
        out.append(
            ranged(name, "length.recommended_chars", m.length, c.length.recommended_chars, unit)
        )
    if c.length.recommended_words is not None:
        out.append(
            ranged(name, "length.recommended_words", m.words, c.length.recommended_words, "words")
        )
    if c.length.preview_chars is not None and m.characters > c.length.preview_chars:
        limit = c.length.preview_chars
        out.append(
            upper(
                "length.preview",
                "warning",
                m.opening_chars,
                limit,
                f"{name}: the first sentence ends after {m.opening_chars:,} characters; "
                f"about {limit:,} are shown before 'see more'",
                graded=True,
            )
        )
    if c.hashtags.max is not None:
        out.append(
            upper(
                "hashtags.max",
                "error",
                m.hashtags,
                c.hashtags.max,
                f"{name}: {_count(m.hashtags, 'hashtag')}; the limit is {c.hashtags.max}",
            )
        )
    if c.hashtags.recommended is not None:
        out.append(
            ranged(
                name,
                "hashtags.recommended",
                m.hashtags,
                c.hashtags.recommended,
                "hashtags",
                words=("too few", "too many"),
            )
        )
    if not c.emoji.allowed:
        out.append(
            upper(
                "emoji.allowed",
                "warning",
                m.emoji,
                0,
                f"{name}: {m.emoji} emoji; recommended none",
            )
        )
    elif c.emoji.recommended_max is not None:
        limit = c.emoji.recommended_max
        out.append(
            upper(
                "emoji.recommended_max",
                "warning",
                m.emoji,
                limit,
                f"{name}: {m.emoji} emoji; recommended at most {limit}",
                graded=True,
            )
        )
    if not c.links.allowed:
        out.append(
            upper(
                "links.allowed",
                "error",
                m.urls,
                0,
                f"{name}: {_count(m.urls, 'link')}; links are not allowed (limit 0)",
            )
        )
    elif not c.links.clickable:
        out.append(
            upper(
                "links.clickable",
                "warning",
                m.urls,
                0,
                f"{name}: {_count(m.urls, 'link')}; links are not clickable here "
                "(recommended none)",
            )
        )
    f = c.formatting
    if not f.markdown:
        out.append(
            upper(
                "formatting.markdown",
                "warning",
                m.markdown_marks,
                0,
                f"{name}: {_count(m.markdown_marks, 'Markdown mark')} (# headings, "
                "**bold**, links); they are shown as typed (recommended none)",
            )
        )
    if f.max_paragraph_words is not None:
        limit = f.max_paragraph_words
        out.append(
            upper(
                "formatting.paragraph_words",
                "warning",
                m.longest_paragraph_words,
                limit,
                f"{name}: the longest paragraph has {m.longest_paragraph_words:,} words; "
                f"recommended at most {limit:,}",
                graded=True,
            )
        )
    if f.max_section_words is not None:
        limit = f.max_section_words
        out.append(
            upper(
                "formatting.section_words",
                "warning",
                m.longest_section_words,
                limit,
                f"{name}: {m.longest_section_words:,} words run without a subheading; "
                f"recommended at most {limit:,}",
                graded=True,
            )
        )
    return out


def upper(
    rule_id: str,
    severity: Severity,
    measured: float,
    limit: float,
    message: str,
    *,
    graded: bool = False,
) -> RuleResult:
    """A rule that ``measured <= limit``.

    A failed error misses fully (1). A failed warning misses fully too, unless it is
    ``graded``: then by how far it lies over the limit, relative to the limit.
    """
    passed = measured <= limit
    if passed:
        miss = 0.0
    elif graded and severity == "warning":
        miss = Bounds(max=int(limit)).miss(measured)
    else:
        miss = 1.0
    return RuleResult(
        rule_id=rule_id,
        passed=passed,
        severity=severity,
        message=message,
        measured=measured,
        limit=limit,
        miss=round(miss, 4),
    )


def ranged(
    name: str,
    rule_id: str,
    measured: float,
    bounds: Bounds,
    unit: str,
    *,
    words: tuple[str, str] = ("too short", "too long"),
) -> RuleResult:
    """A warning that ``measured`` lies in the recommended ``bounds``, graded by distance."""
    passed = bounds.contains(measured)
    where = ""
    if not passed:
        low = bounds.min is not None and measured < bounds.min
        where = f" ({words[0] if low else words[1]})"
    return RuleResult(
        rule_id=rule_id,
        passed=passed,
        severity="warning",
        message=f"{name}: {_fmt(measured)} {unit}; recommended {bounds}{where}",
        measured=measured,
        limit=bounds,
        miss=round(bounds.miss(measured), 4),
    )


def score(results: list[RuleResult]) -> float:
    """Platform optimisation quality in [0, 1], computed from rule results.

    Each rule keeps a factor ``1 - weight × miss`` of the score: a failed error costs
    :data:`ERROR_WEIGHT` (0.6) whatever the size of the breach, since the platform
    refuses or cuts the post; a warning costs up to :data:`WARNING_WEIGHT` (0.2), in
    proportion to how far the text misses it. A text that passes everything scores 1;
    one broken hard limit caps the score at 0.4.
    """
    factor = 1.0
    for result in results:
        if not result.passed:
            weight = ERROR_WEIGHT if result.severity == "error" else WARNING_WEIGHT
            factor *= 1.0 - weight * result.miss
    return round(max(0.0, factor), 4)


def penalty(result: RuleResult) -> float:
    """The factor one failed rule takes off the score (0 for a passed rule)."""
    if result.passed:
        return 0.0
    weight = ERROR_WEIGHT if result.severity == "error" else WARNING_WEIGHT
    return weight * result.miss
