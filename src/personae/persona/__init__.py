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

Design notes
============

`personae.persona`: generation, writing, the optimize loop
----------------------------------------------------------

`PersonaService(database, llm_for)` is the one implementation of the use cases the API,
the CLI and jobs share:

- **generate** (`_generate.py`): measure the samples (`StyleProfile`), compute the rules a
  program can check from the measurements alone (`measured_constraints`: sentence-length
  bounds, contractions, perspective, exclamations, emoji), ask the model three small
  structured questions (identity, tonal range, written rules with go-to/avoid words)
  with the measured voice in the prompt, then reconcile: go-to words are kept only if the
  samples use them (plus the voice's measured key words), avoid words never include a
  word the writer uses. Confidence is computed from the data alone: words (1 − e^(−w/700))
  × samples (1 − e^(−n/2)) × (½ + ½ agreement), agreement being each sample's typicality
  against the other samples' voice. The analysis (terms, step timings) is stored as a
  `persona_analysis_results` row. The API runs it as a job (202 + `/api/jobs/{id}`).
  Writers without samples get three drafts from their onboarding answers first.
- **write** (`_content.py`, `_optimize.py`, `_draft_checks.py`): the prompt is built for
  small models — who the persona is, three of the writer's **own sentences** (stored at
  creation as `stylistic_constraints["examples"]`, picked by word overlap with the
  brief), the measured rhythm in plain words, hard rules (only the brief's facts; the
  post only) and the platform's binding limits; stop sequences end a draft where a model
  starts commenting on it, and the answer's tokens are capped by the platform's length.
  Every draft is repaired (`strip_notes`: "Here's a revised version:", "Note: I
  removed…"; hashtags unrelated to the brief dropped) and **checked**
  (`check_draft`: on topic by the brief's key words, no notes about the writing, no
  4-gram loops, no dates/numbers/names the brief, the samples and the persona never gave,
  no 8-word run copied from the samples). The loop ranks candidates by usability first
  (platform accepts, checks pass, on topic, fewest reasons), then by score; below the
  threshold it asks for a revision with instructions from the weakest dimensions.
  `OptimizeResult.passed` (stored as `validation_status`) means checks, platform and
  threshold all held; `failures` says why not. Streams (`LimitedStream`) stop at the
  platform's hard limit and say so. The result carries
  the score trace and the model time apart from the pipeline's own time. The final
  report is stored as a `persona_validation_results` row. Drafts are measured once:
  `_measure.measure_text` is a bounded memo of `analyze` (fingerprints are frozen and a
  pure function of the text), kept here because `style` holds no state.
- **adapt_to_platform**: the platform persona (`platform_personas`) is computed, not
  generated: the platform's limits and guidance, the persona's rules reconciled with
  them (conflicts listed), and the platform's strategies.


`personae.persona`: platforms and computed content quality
----------------------------------------------------------

The first service package. Today it holds platform plugins and quality scoring; persona
generation and the optimize loop join it (`_generate.py`, `_optimize.py`, `_service.py`).
It depends on `style`, `errors` and nothing else of ours; no LLM is used in it yet, and
none ever will be for scores.

- **Platforms are plugins** (`persona/platforms/`). A platform is a `Platform` subclass
  whose constraints are data: `LengthPolicy` (hard `max_chars`, how characters are
  counted, recommended characters/words, the characters shown before "see more"),
  `HashtagPolicy` (hard max, recommended range), `EmojiPolicy`, `LinkPolicy` (allowed,
  clickable, the length a link counts for) and `FormattingPolicy` (line breaks, Markdown
  rendered or shown as typed, headings, longest paragraph and section). Every number
  carries its published source, in the module docstring and in the policy's `source`
  field that `GET /api/platforms` shows. The base class turns the constraints into
  **validation rules** (`RuleResult`: rule id, passed, severity, message with the
  measured value and the limit, measured, limit, `miss` in 0..1), **strategies** (a
  revision instruction for an LLM and, where an edit is safe, a `fix(text) -> text`:
  strip Markdown, remove links, trim hashtags, limit emoji, cut at a sentence end),
  **prompt guidance** lines and a **platform optimisation quality**: the product of
  `1 − weight × miss` over the rules (errors weigh 0.6, so one broken hard limit caps it
  at 0.4; warnings up to 0.2, graded by distance). Errors are the platform's hard limits
  (the post is refused or cut); warnings its own or the industry's published guidance.
  `apply_fixes` runs the fixes of the failed rules in a fixed order, cutting to length
  last. Each fix returns its input unchanged when it has nothing to do, so fixes are
  idempotent, and a fixed text is never over a hard limit that has a fix (a property
  test checks both on generated texts for every platform).
- **Built-ins**: LinkedIn (3,000 characters, ~210 before "see more", 150–300 words from
  seed 001, ≤ 5 hashtags), Facebook (63,206 characters, ≤ 2 hashtags), Instagram (2,200
  characters, 30 hashtags hard and 3–5 recommended, links not clickable), X (280
  *weighted* characters: twitter-text v3 weights, so CJK and emoji count 2 and every
  URL 23, bare domains recognised as X does; invisible characters X refuses) and Blog
  (no hard limit; 300–2,500 words, a subheading every 300 words and paragraphs ≤ 150
  words from Yoast SEO, a title ≤ 60 characters, no hashtags). Character counts are
  Unicode code points after NFC, surrounding white space excluded. Counts of words,
  hashtags, mentions, URLs and emoji use `personae.style`'s definitions (a test checks
  that they agree with `analyze`).
- **Registry**: `get_platform(name)` (case-insensitive, aliases such as `twitter`),
  `available_platforms()`, `register_platform` / `unregister_platform`. Platforms are
  found through the `personae.platforms` entry-point group, the built-ins included
  (pyproject's `[project.entry-points."personae.platforms"]`). This follows the style
  guide's entry-point rule without pluggy: a platform is one object, so the entry point
  names it directly and a `register` hook would add nothing. The registry loads once, on
  first use: personae's own entry points first, then any built-in the installed metadata
  lacks (stale editable installs), then third-party plugins, which therefore cannot
  shadow a built-in. A plugin that fails to import, is not a `Platform`, or is declared
  under another name is skipped with a logged warning. An unknown name raises
  `UnknownPlatformError` (a `NotFoundError`: HTTP 404, with `details["known"]`).
- **Quality scoring** (`_quality.py`): `score_content(text, profile=, platform=,
  constraints=, rivals=)` returns seed 001's `overall_quality_score`,
  `linguistic_quality`, `consistency_score`, `authenticity_score` and
  `platform_optimization_quality`, each in **0..1** (the seed's 85.2 is 0.852 here, the
  scale of match scores and stored confidence scores), all computed.
  Authenticity is `StyleProfile.match` (left out, with a note, under 25 words).
  Linguistic quality averages Flesch reading ease ≥ 60 and at most a quarter of
  sentences over 20 words (Yoast's readability thresholds), sentence-length variety and
  MATTR; the variety thresholds were chosen so the bundled sample writers pass.
  Consistency checks the text against what the persona says about its voice
  (`VoiceRules`, read tolerantly from `stylistic_constraints` and `tonal_range`: go-to and
  avoid words, sentence length, contractions, perspective, exclamation marks, emoji;
  tones are not measurable without a model and only get a note). Overall is the
  weighted mean of the dimensions present (authenticity 0.35, platform 0.25,
  linguistic 0.2, consistency 0.2, renormalised). Suggestions carry a category
  (`style`, `platform`, `linguistic`, `consistency`), a priority and an `impact`, the
  rise of the overall score if fixed, and are sorted by it; `weakest_dimensions` orders
  the dimensions below 1 by what they cost the overall score, and
  `revision_instructions(report, platform)` turns the weakest into instructions for an
  LLM reviser (the optimize loop's input).
- **Voice fixes** (`_voice_fixes.py`): the voice counterpart of a platform's
  `apply_fixes`. `apply_voice_fixes(text, profile=, rules=, truncated=)` makes
  deterministic, explainable edits and returns the text with the list of what it did,
  each measured before and after (`VoiceFix`: dimension, before, after, the voice's
  value, a message). Repairs fix what small models break, whatever the voice: loops (a
  phrase three times in a row, a sentence said before) and the sentence a cut-off
  generation stopped in. Voice moves target one profile dimension each: emoji and
  exclamation marks down to the voice's rate, contractions spelled out or formed to
  its rate, over-long sentences split at clause boundaries (`; `, `, but`, `, and` +
  subject) or short declarative neighbours joined (`, and` or `;`, as the voice
  punctuates; at most four clauses; a first word is lower-cased only when the text shows
  it is not a name), paragraphs merged or split toward its length (never past the
  platform's paragraph limit), and the persona's avoid words replaced where a plain
  replacement is known or their sentence dropped. A move is kept only when the text's
  squared deviation on the targeted dimension falls **and** `StyleProfile.match` does
  not drop (spelling out contractions for a voice that never contracts is undone when
  the added "not"/"am" push its function words further off), both measured on the text
  as it will be published (`finish=platform.apply_fixes`: a joined sentence that X's
  280-character cut would then drop is not kept); without a profile the persona's
  `VoiceRules` give the targets. Only plain prose paragraphs are edited, and
  an edit with nothing to do returns its input unchanged, so a second pass changes
  nothing. **The optimize loop** (`_optimize.py`) drafts `first_round` candidates at
  temperatures spread ±25 % around the base, then revises; each draft is repaired,
  then scored as repaired and with the voice moves too, platform fixes applied *last* to
  both (so the hard limits hold whatever the voice fixes did), and the better variant is
  the candidate (voice moves are kept only when they pay off by the loop's own measure;
  repairs always stay). A refused text never beats an accepted one; among accepted ones,
  overall scores within `tie_margin` (0.05) of the best count as tied and the most
  authentic wins, and a text too short to judge counts as authenticity 0 there, so
  cutting a post cannot dodge the voice check. The trace records every candidate's
  scores, temperature and voice fixes; `benchmarks/writing_eval.py` measures the loop
  against a plain prompt.
- **Surfaces**: `GET /api/platforms[/{platform}]`, `POST /api/personas/{platform}/validate`
  (rules, score, and with `fix` the fixed text checked again) and
  `POST /api/content/validate` (the full report; with `persona_id`, owner-scoped, the
  persona's voice and rules are used and the report is stored as a
  `persona_validation_results` row, status `failed` when a hard limit is broken, else
  `passed`, which `GET /api/personas/{id}/quality` lists). The validate router is
  registered before the persona routers; no persona route ends in `/validate`, so the
  paths never overlap (an id in the platform's place is an unknown platform, 404).
  `PUT /api/personas/{id}/platform/{p}` now refuses platforms no plugin provides and
  stores aliases under the platform's name. The CLI has `personae score TEXT_OR_FILE
  [--persona NAME | --profile FILE] [--platform NAME] [--json]` (with `--persona` it
  records the report like the API) and `personae platforms`.
"""

from __future__ import annotations

from personae.persona._build import build_persona_service
from personae.persona._draft_checks import DraftCheck, check_draft
from personae.persona._exchange import CardSpec, ExportedCard, dump_definitions, load_definitions
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
from personae.persona._marks import VoiceMark
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
    "CardSpec",
    "Category",
    "DailyRatings",
    "DimensionScore",
    "DraftCheck",
    "ExportedCard",
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
    "VoiceMark",
    "VoiceRules",
    "apply_voice_fixes",
    "available_platforms",
    "build_persona_service",
    "check_draft",
    "dump_definitions",
    "get_platform",
    "load_definitions",
    "register_platform",
    "revision_instructions",
    "score_content",
    "unregister_platform",
    "voice_profile",
]
