"""Content quality, computed: the seed's five numbers, what each rests on, and what to fix.

:func:`score_content` returns seed 001's quality metrics (``overall_quality_score``,
``linguistic_quality``, ``consistency_score``, ``authenticity_score``,
``platform_optimization_quality``), each **in [0, 1]** where the seed shows 0–100 (the
seed's 85.2 is 0.852 here), the same scale as style-match scores and the store's
confidence scores. Every number is computed; no LLM is involved:

* **authenticity** is :meth:`personae.style.StyleProfile.match` of the text against the
  persona's measured voice (how typical it is of the writer; with rivals, also whether
  this voice explains it better than theirs). Texts under 25 words carry too little
  evidence to judge, so it is left out for them (``None``) and a note says why.
* **platform optimisation** is :meth:`Platform.score` over the platform's rules
  (published limits and guidance; see each platform module's sources).
* **linguistic quality** averages readability checks on the
  :func:`personae.style.analyze` fingerprint: Flesch reading ease of at least 60 and no
  more than a quarter of sentences over 20 words (the thresholds of Yoast SEO's
  readability analysis), sentence-length variety, and vocabulary variety (MATTR).
* **consistency** checks the text against what the persona says about its voice (its
  go-to and avoid words, sentence length, contractions, perspective, exclamation marks,
  emoji: :class:`VoiceRules`); without such rules it is ``None``.
* **overall** is the weighted mean of the dimensions that could be computed
  (:data:`DIMENSION_WEIGHTS`, renormalised over those present).

Improvement suggestions carry a category (``style``, ``platform``, ``linguistic``,
``consistency``), a priority and an ``impact``: how much ``overall`` would rise if the
issue were fixed, all else equal; they are sorted by it. ``weakest_dimensions`` lists
the dimensions below 1 by how much they cost ``overall``, and
:func:`revision_instructions` turns the weakest into instructions for an LLM reviser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from personae.persona._measure import measure_text
from personae.persona._quality_checks import (
    SubScore,
    consistency_checks,
    linguistic_checks,
    round_score,
)
from personae.persona._voice_rules import VoiceRules
from personae.persona.platforms import Platform, PlatformReport, get_platform
from personae.style import (
    MAX_CHARS,
    MIN_WORDS_TO_JUDGE,
    Deviation,
    StyleProfile,
    text_evidence,
)

__all__ = [
    "DIMENSION_WEIGHTS",
    "AuthenticityDetails",
    "Category",
    "DimensionScore",
    "Priority",
    "QualityDetails",
    "QualityDimension",
    "QualityReport",
    "QualitySuggestion",
    "SubScore",
    "revision_instructions",
    "score_content",
]

Category = Literal["style", "platform", "linguistic", "consistency"]
Priority = Literal["high", "medium", "low"]
QualityDimension = Literal[
    "authenticity_score", "platform_optimization_quality", "linguistic_quality", "consistency_score"
]

DIMENSION_WEIGHTS: dict[QualityDimension, float] = {
    "authenticity_score": 0.35,
    "platform_optimization_quality": 0.25,
    "linguistic_quality": 0.2,
    "consistency_score": 0.2,
}
"""How much each dimension weighs in ``overall_quality_score`` (renormalised over those
computed). Sounding like the writer weighs most: it is what personae is for."""

_CATEGORY: dict[QualityDimension, Category] = {
    "authenticity_score": "style",
    "platform_optimization_quality": "platform",
    "linguistic_quality": "linguistic",
    "consistency_score": "consistency",
}

_HIGH_IMPACT = 0.05
_MEDIUM_IMPACT = 0.02
_INSTRUCTION_PREFIX: dict[Category, str] = {
    "platform": "Platform",
    "style": "Voice",
    "consistency": "Persona",
    "linguistic": "Clarity",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AuthenticityDetails(_Model):
    """What the style match saw."""

    profile: str
    score: float = Field(ge=0.0, le=1.0)
    typicality: float = Field(ge=0.0, le=1.0)
    share: float | None = Field(default=None, ge=0.0, le=1.0)
    deviations: list[Deviation] = Field(description="The largest deviations, largest first.")


class DimensionScore(_Model):
    """One of the four dimensions and what it costs the overall score."""

    name: QualityDimension
    category: Category
    score: float = Field(ge=0.0, le=1.0)
    weight: float = Field(ge=0.0, le=1.0, description="Its weight among the dimensions present.")
    shortfall: float = Field(ge=0.0, le=1.0, description="weight × (1 − score): its cost.")


class QualitySuggestion(_Model):
    """One improvement, with where it comes from and what it is worth."""

    category: Category
    priority: Priority
    dimension: str = Field(description="Rule id, style dimension or check key it concerns.")
    message: str = Field(description="What was measured against what.")
    action: str = Field(description="What to change, written for a person or an LLM reviser.")
    impact: float = Field(ge=0.0, le=1.0, description="Rise of overall_quality_score if fixed.")
    strategy: str | None = Field(default=None, description="The platform strategy that fixes it.")
    auto_fix: bool = Field(default=False, description="The strategy has a deterministic fix.")


class QualityDetails(_Model):
    """The evidence behind each number."""

    linguistic: list[SubScore]
    consistency: list[SubScore]
    authenticity: AuthenticityDetails | None
    platform: PlatformReport | None


class QualityReport(_Model):
    """Seed 001's quality metrics for one text, each in [0, 1], all computed."""

    overall_quality_score: float = Field(ge=0.0, le=1.0)
    linguistic_quality: float = Field(ge=0.0, le=1.0)
    consistency_score: float | None = Field(default=None, ge=0.0, le=1.0)
    authenticity_score: float | None = Field(default=None, ge=0.0, le=1.0)
    platform_optimization_quality: float | None = Field(default=None, ge=0.0, le=1.0)
    platform: str | None = None
    profile: str | None = None
    word_count: int
    language: str
    dimensions: list[DimensionScore]
    weakest_dimensions: list[QualityDimension] = Field(
        description="Dimensions below 1, the one costing overall_quality_score most first."
    )
    improvement_suggestions: list[QualitySuggestion] = Field(description="Largest impact first.")
    details: QualityDetails
    notes: list[str] = Field(default_factory=list)


# -- the report ----------------------------------------------------------------------------


def _priority(impact: float, *, error: bool = False) -> Priority:
    if error or impact >= _HIGH_IMPACT:
        return "high"
    return "medium" if impact >= _MEDIUM_IMPACT else "low"


def _mean(scores: Sequence[SubScore]) -> float | None:
    return sum(s.score for s in scores) / len(scores) if scores else None


def score_content(
    text: str,
    *,
    profile: StyleProfile | None = None,
    platform: Platform | str | None = None,
    constraints: VoiceRules | Mapping[str, Any] | None = None,
    rivals: Sequence[StyleProfile] = (),
    max_chars: int = MAX_CHARS,
) -> QualityReport:
    """Score ``text``: seed 001's quality metrics, all computed, with suggestions.

    Parameters
    ----------
    text
        The content to judge.
    profile
        The persona's measured voice; without it there is no authenticity score.
    platform
        Where the text will be published (a :class:`Platform` or its name); without it
        there is no platform score.
    constraints
        What the persona says about its voice: :class:`VoiceRules`, or the JSON of its
        ``stylistic_constraints`` (with ``tonal_range`` nested or merged in); without
        measurable rules there is no consistency score.
    rivals
        Other voices the text could be mistaken for; authenticity then also asks whether
        ``profile`` explains the text better than they do.
    max_chars
        The longest text accepted (the API and CLI pass ``PERSONAE_MAX_TEXT_CHARS``).

    Returns
    -------
    QualityReport

    Raises
    ------
    EmptyTextError, BinaryInputError, TextTooLargeError
        The text cannot be measured.
    UnknownPlatformError
        ``platform`` names no installed platform.

    Examples
    --------
    >>> report = score_content(draft, profile=voice, platform="linkedin")  # doctest: +SKIP
    >>> report.overall_quality_score, report.weakest_dimensions[0]  # doctest: +SKIP
    (0.71, 'platform_optimization_quality')
    """
    fp = measure_text(text, max_chars)
    target = get_platform(platform) if isinstance(platform, str) else platform
    rules = (
        constraints if isinstance(constraints, VoiceRules) else VoiceRules.from_mapping(constraints)
    )
    notes: list[str] = []

    linguistic = linguistic_checks(fp)
    consistency = consistency_checks(text, fp, rules) if rules.measurable else []
    if rules.forbidden_tones:
        notes.append(
            "tones are not measured (no model is used in scoring): check by eye that the "
            f"text is not {', '.join(rules.forbidden_tones)}"
        )

    authenticity: AuthenticityDetails | None = None
    style_suggestions = []
    if profile is not None:
        if fp.word_count < MIN_WORDS_TO_JUDGE:
            notes.append(
                f"authenticity needs at least {MIN_WORDS_TO_JUDGE} words to judge; the text has "
                f"{fp.word_count}, so it is left out of the overall score"
            )
        else:
            # Against rivals, the share is the fused attribution, which reads the text's
            # character and word evidence (without it, function words alone).
            evidence = text_evidence(text) if rivals else None
            match = profile.match_fingerprint(fp, against=rivals, evidence=evidence)
            authenticity = AuthenticityDetails(
                profile=profile.name,
                score=match.score,
                typicality=match.typicality,
                share=match.share,
                deviations=match.deviations[:5],
            )
            style_suggestions = match.suggestions
            notes.extend(match.notes)

    platform_report = target.report(text) if target is not None else None

    scores: dict[QualityDimension, float] = {"linguistic_quality": _mean(linguistic) or 0.0}
    if authenticity is not None:
        scores["authenticity_score"] = authenticity.score
    if platform_report is not None:
        scores["platform_optimization_quality"] = platform_report.platform_optimization_quality
    consistency_score = _mean(consistency)
    if consistency_score is not None:
        scores["consistency_score"] = consistency_score
    total_weight = sum(DIMENSION_WEIGHTS[name] for name in scores)
    weights = {name: DIMENSION_WEIGHTS[name] / total_weight for name in scores}
    overall = sum(weights[name] * score for name, score in scores.items())
    dimensions = [
        DimensionScore(
            name=name,
            category=_CATEGORY[name],
            score=round_score(score),
            weight=round(weights[name], 4),
            shortfall=round_score(weights[name] * (1 - score)),
        )
        for name, score in scores.items()
    ]
    weakest = [
        d.name for d in sorted(dimensions, key=lambda d: (-d.shortfall, d.name)) if d.score < 1.0
    ]

    suggestions: list[QualitySuggestion] = []
    if platform_report is not None and target is not None:
        platform_score = platform_report.platform_optimization_quality
        for result in platform_report.rules:
            if result.passed:
                continue
            kept = 1.0 - Platform.penalty(result)
            gain = platform_score / kept - platform_score if kept > 0 else 1.0 - platform_score
            impact = weights["platform_optimization_quality"] * gain
            strategies = target.strategies_for(result.rule_id)
            strategy = strategies[0] if strategies else None
            suggestions.append(
                QualitySuggestion(
                    category="platform",
                    priority=_priority(impact, error=result.severity == "error"),
                    dimension=result.rule_id,
                    message=result.message,
                    action=strategy.instruction if strategy else result.message,
                    impact=round_score(impact),
                    strategy=strategy.name if strategy else None,
                    auto_fix=any(s.fix is not None for s in strategies),
                )
            )
    if authenticity is not None:
        missing = 1.0 - authenticity.score
        for s in style_suggestions:
            impact = weights["authenticity_score"] * missing * s.impact
            suggestions.append(
                QualitySuggestion(
                    category="style",
                    priority=_priority(impact),
                    dimension=s.dimension,
                    message=s.message,
                    action=s.message,
                    impact=round_score(impact),
                )
            )
    for category, checks, dimension in (
        ("linguistic", linguistic, "linguistic_quality"),
        ("consistency", consistency, "consistency_score"),
    ):
        for check in checks:
            if check.score >= 1.0 or dimension not in weights:
                continue
            impact = weights[dimension] * (1.0 - check.score) / len(checks)
            suggestions.append(
                QualitySuggestion(
                    category=category,
                    priority=_priority(impact),
                    dimension=check.key,
                    message=check.message,
                    action=check.message,
                    impact=round_score(impact),
                )
            )
    suggestions.sort(key=lambda s: (-s.impact, s.category, s.dimension))

    return QualityReport(
        overall_quality_score=round_score(overall),
        linguistic_quality=round_score(scores["linguistic_quality"]),
        consistency_score=None if consistency_score is None else round_score(consistency_score),
        authenticity_score=None if authenticity is None else authenticity.score,
        platform_optimization_quality=(
            None if platform_report is None else platform_report.platform_optimization_quality
        ),
        platform=None if target is None else target.name,
        profile=None if profile is None else profile.name,
        word_count=fp.word_count,
        language=fp.language,
        dimensions=dimensions,
        weakest_dimensions=weakest,
        improvement_suggestions=suggestions,
        details=QualityDetails(
            linguistic=linguistic,
            consistency=consistency,
            authenticity=authenticity,
            platform=platform_report,
        ),
        notes=notes,
    )


def revision_instructions(
    report: QualityReport,
    platform: Platform | None = None,
    *,
    limit: int = 6,
    per_dimension: int = 3,
) -> list[str]:
    """Targeted revision instructions for an LLM, from the report's weakest dimensions.

    The weakest dimension comes first (the one costing ``overall_quality_score`` most),
    and within a dimension the suggestion with the largest impact. Each instruction
    states what was measured and what to do, e.g. ``"Platform: X: 312 weighted
    characters; the limit is 280. Cut the text to at most 280 characters …"``.

    Parameters
    ----------
    report
        What :func:`score_content` returned.
    platform
        The platform the text is for; its strategies' instructions are used for failed
        rules (by default those stored in the report's suggestions).
    limit
        The most instructions returned.
    per_dimension
        The most instructions taken from one dimension.
    """
    out: list[str] = []
    for dimension in report.weakest_dimensions:
        category = _CATEGORY[dimension]
        taken = 0
        for suggestion in report.improvement_suggestions:
            if suggestion.category != category or taken >= per_dimension:
                continue
            action = suggestion.action
            if category == "platform" and platform is not None:
                strategies = platform.strategies_for(suggestion.dimension)
                if strategies:
                    action = strategies[0].instruction
            if action == suggestion.message:
                line = f"{_INSTRUCTION_PREFIX[category]}: {_sentence(action)}"
            else:
                line = f"{_INSTRUCTION_PREFIX[category]}: {_sentence(suggestion.message)} {action}"
            if line not in out:
                out.append(line)
                taken += 1
            if len(out) >= limit:
                return out
    return out


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
