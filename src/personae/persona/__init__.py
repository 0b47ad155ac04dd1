"""Personas at work: the persona service, platform plugins and computed content quality.

:class:`PersonaService` (built by :func:`build_persona_service`) holds the use cases the
HTTP API, the CLI and jobs share: create a persona (measuring its samples once),
generate one, write and score content (:meth:`PersonaService.score_and_record`), adapt
to a platform.

>>> from personae.persona import get_platform, score_content
>>> report = score_content("Short posts land. " * 10, platform="x")
>>> report.platform_optimization_quality
1.0

Every number here is computed from the text (``personae.style`` measures, platform
rules, the persona's stated go-to and avoid words); no LLM is used for scoring.
"""

from __future__ import annotations

from personae.persona._build import build_persona_service
from personae.persona._draft_checks import DraftCheck, check_draft
from personae.persona._insights import (
    EDIT_MATCH_METRIC,
    FEEDBACK_ANALYSIS,
    RATING_METRIC,
    AnalyticsReport,
    DailyRatings,
    FeedbackOutcome,
    MetricStats,
    PersonaChanged,
    QualityFacts,
    RatingPoint,
    VersionStats,
)
from personae.persona._quality import (
    DIMENSION_WEIGHTS,
    AuthenticityDetails,
    Category,
    DimensionScore,
    Priority,
    QualityDetails,
    QualityDimension,
    QualityReport,
    QualitySuggestion,
    SubScore,
    revision_instructions,
    score_content,
)
from personae.persona._service import (
    VALIDATION_TYPE,
    LLMFactory,
    PersonaService,
    ScoredText,
    voice_profile,
)
from personae.persona._versions import PersonaPage
from personae.persona._voice_fixes import VoiceFix, VoiceFixResult, apply_voice_fixes
from personae.persona._voice_rules import VoiceRules
from personae.persona.platforms import (
    Platform,
    PlatformInfo,
    PlatformReport,
    RuleResult,
    Strategy,
    available_platforms,
    get_platform,
    register_platform,
    unregister_platform,
)

__all__ = [
    "DIMENSION_WEIGHTS",
    "EDIT_MATCH_METRIC",
    "FEEDBACK_ANALYSIS",
    "RATING_METRIC",
    "VALIDATION_TYPE",
    "AnalyticsReport",
    "AuthenticityDetails",
    "Category",
    "DailyRatings",
    "DimensionScore",
    "DraftCheck",
    "FeedbackOutcome",
    "LLMFactory",
    "MetricStats",
    "PersonaChanged",
    "PersonaPage",
    "PersonaService",
    "Platform",
    "PlatformInfo",
    "PlatformReport",
    "Priority",
    "QualityDetails",
    "QualityDimension",
    "QualityFacts",
    "QualityReport",
    "QualitySuggestion",
    "RatingPoint",
    "RuleResult",
    "ScoredText",
    "Strategy",
    "SubScore",
    "VersionStats",
    "VoiceFix",
    "VoiceFixResult",
    "VoiceRules",
    "apply_voice_fixes",
    "available_platforms",
    "build_persona_service",
    "check_draft",
    "get_platform",
    "register_platform",
    "revision_instructions",
    "score_content",
    "unregister_platform",
    "voice_profile",
]
