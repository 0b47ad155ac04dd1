"""The optimize loop: generate → fix → score → revise until the text is good enough.

Each round drafts ``candidates`` texts (round one ``first_round`` of them, at
temperatures spread around ``temperature``, so the drafts differ in more than their
seed). Every draft then goes through two kinds of deterministic fixes before it is
scored:

1. **voice fixes** (:func:`~personae.persona.apply_voice_fixes`): repairs of what small
   models break (loops, a sentence cut off by the token limit) and measured moves toward
   the persona's voice (contractions, sentence and paragraph length, exclamation marks,
   emoji, avoid words), each kept only when it brings the text closer to the profile;
2. **platform fixes** (:meth:`~personae.persona.Platform.apply_fixes`), *last*, so the
   platform's hard limits hold whatever the voice fixes did.

The repaired draft and the draft with the voice moves too (platform fixes last in both)
are scored with :func:`~personae.persona.score_content`, and the better one is the
candidate: repairs always stay, and voice moves never make a candidate worse by the
loop's own measure. The trace records the scores, the temperature and the voice fixes
kept.

**Picking the best.** A candidate the platform would refuse never beats one it accepts.
Among accepted ones, the highest ``overall_quality_score`` wins, except that candidates
within ``tie_margin`` of it count as tied and the one that sounds most like the persona
(``authenticity_score``) is taken: overall differences that small are within the noise
of the measures, and sounding like the writer is what personae is for. With rivals (the
owner's other personas) the margin widens to ``voice_margin`` and the voice *among them*
decides: the share personae's attribution gives the persona against them. (On the five
writers of ``benchmarks/writing_quality.py``, dev briefs, choosing from the same drafts
by that share rather than by authenticity, typicality × share, raised the independent
judge's attributions from 0.24 to 0.32: a small model's drafts are all atypical, and
typicality near 0 made the choice noise.) A text too short
to judge against a profile counts as authenticity 0 for this, so cutting a post down
can never dodge the voice check.

While the best is under ``threshold`` and rounds remain, the next round asks the model to
revise the best text with instructions written from its weakest dimensions
(:func:`~personae.persona.revision_instructions`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from personae.errors import InputError, LLMOutputError
from personae.llm import LLM, Message
from personae.persona._content import VoiceBrief, draft, writing_messages
from personae.persona._draft_checks import (
    DraftCheck,
    TopicEmbedder,
    check_draft,
    drop_failing_sentences,
    drop_unrelated_hashtags,
    strip_notes,
)
from personae.persona._quality import (
    DIMENSION_WEIGHTS,
    QualityReport,
    revision_instructions,
    score_content,
)
from personae.persona._voice_fixes import VoiceFix, apply_voice_fixes
from personae.persona.platforms import Platform
from personae.style import MIN_WORDS_TO_JUDGE, StyleProfile

__all__ = [
    "FIRST_ROUND",
    "RESCUE_ROUNDS",
    "OptimizeResult",
    "TraceStep",
    "failures",
    "min_words",
    "optimize_content",
]

FIRST_ROUND = 3
"""Drafts in round one of a user's ``write`` (the API, the CLI, the studio): fresh drafts
at spread temperatures are worth more than revisions by a small model, and this is the
budget ``benchmarks/writing_quality.py`` measures."""
RESCUE_ROUNDS = 1
"""Rounds of fresh drafts a user's ``write`` adds only while no draft is usable."""

_TEMPERATURE_SPREAD = 0.25
"""Round one's temperatures run from (1 − spread) to (1 + spread) times ``temperature``."""
_MAX_TEMPERATURE = 2.0


class TraceStep(BaseModel):
    """One candidate of one round and how it scored."""

    model_config = ConfigDict(frozen=True)

    round: int
    candidate: int
    overall_quality_score: float | None
    authenticity_score: float | None = None
    platform_optimization_quality: float | None = None
    consistency_score: float | None = None
    linguistic_quality: float | None = None
    platform_passed: bool | None = None
    junk: list[str] = Field(
        default_factory=list, description="Why the candidate is not a usable text, if it is not."
    )
    fixes_applied: bool = Field(
        default=False, description="The platform's fixes changed the candidate."
    )
    voice_fixes: list[str] = Field(
        default_factory=list,
        description="Voice fixes applied to the candidate, in order (empty when the draft "
        "scored better without them).",
    )
    temperature: float | None = None
    error: str | None = None


class OptimizeResult(BaseModel):
    """The best text found, its full report, and how the loop got there."""

    text: str
    report: QualityReport
    trace: list[TraceStep]
    rounds: int
    stopped: Literal["threshold", "budget"]
    instructions: list[list[str]] = Field(
        default_factory=list, description="The revision instructions sent, per round after 0."
    )
    voice_fixes: list[VoiceFix] = Field(
        default_factory=list, description="The voice fixes applied to the returned text."
    )
    platform_passed: bool | None = Field(
        default=None, description="The platform accepts the returned text (None: no rules)."
    )
    checks: DraftCheck = Field(
        description="The junk checks of the returned text: on topic, no notes about the "
        "writing, no loops, no invented specifics, no copying from the samples."
    )
    passed: bool = Field(
        description="The returned text passed the junk checks and the platform's rules and "
        "reached the threshold: only then is it stored as passed."
    )
    failures: list[str] = Field(
        default_factory=list, description="Why the returned text did not pass, in words."
    )
    llm_calls: int = Field(default=0, description="Completions asked of the model.")
    llm_ms: float = Field(description="Milliseconds spent waiting for the model.")
    pipeline_ms: float = Field(description="Milliseconds of everything else (scoring, fixes).")
    completion_tokens: int
    piece_id: int | None = Field(
        default=None,
        description="The content library piece the text was kept as (None: not kept).",
    )


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    report: QualityReport
    fixes: tuple[VoiceFix, ...]
    objective: float
    check: DraftCheck

    @property
    def passed(self) -> bool:
        """The platform accepts it and it is a usable text (not junk)."""
        platform = self.report.details.platform
        accepted = platform.passed if platform is not None else True
        return accepted and self.check.passed

    @property
    def platform_passed(self) -> bool:
        platform = self.report.details.platform
        return platform.passed if platform is not None else True

    @property
    def authenticity(self) -> float:
        return self.report.authenticity_score or 0.0

    @property
    def voice(self) -> float:
        """How much it sounds like the persona: with rivals, the share personae's
        attribution gives the persona among them (typicality, the other factor of
        authenticity, is near 0 for every draft of a small model and only adds noise to
        the choice); without, the authenticity score. 0 when too short to judge."""
        details = self.report.details.authenticity
        if details is not None and details.share is not None:
            return details.share
        return self.authenticity


def _objective(report: QualityReport, *, judged: bool) -> float:
    """``overall_quality_score``, with authenticity counted as 0 when a profile exists but
    the text was too short to judge (otherwise cutting a post would dodge the voice)."""
    if not judged or report.authenticity_score is not None:
        return report.overall_quality_score
    scores = {d.name: d.score for d in report.dimensions}
    scores["authenticity_score"] = 0.0
    total = sum(DIMENSION_WEIGHTS[name] for name in scores)
    return sum(DIMENSION_WEIGHTS[name] * score for name, score in scores.items()) / total


def _tier(candidate: _Candidate) -> tuple[bool, bool, bool, int]:
    """How usable a candidate is, before any score: the platform accepts it, it passes
    the junk checks, it is on topic, and the fewer reasons against it the better."""
    check = candidate.check
    return (candidate.platform_passed, check.passed, check.on_topic, -len(check.reasons))


def _pick(candidates: Sequence[_Candidate], tie_margin: float) -> _Candidate:
    """The most usable first (:func:`_tier`); among those the best objective, ties
    (within the margin) by the voice (:attr:`_Candidate.voice`)."""
    tier = max(_tier(c) for c in candidates)
    pool = [c for c in candidates if _tier(c) == tier]
    top = max(c.objective for c in pool)
    near = [c for c in pool if c.objective >= top - tie_margin]
    return max(near, key=lambda c: (c.voice, c.objective))


def failures(report: QualityReport, check: DraftCheck, threshold: float) -> list[str]:
    """Why a text a model wrote may not be stored as passed, in words (empty: it passed):
    the junk checks, the platform's rules and the overall threshold. The one verdict of
    the optimize loop and of a streamed draft."""
    reasons = list(check.reasons)
    if report.details.platform is not None and not report.details.platform.passed:
        reasons.append("the platform would refuse it (see the platform report)")
    if report.profile is not None and report.authenticity_score is None:
        # Left out of the overall score, the voice would never be checked at all: every
        # post the local model wrote that passed before this had fewer than 25 words.
        reasons.append(
            f"the voice is not judged: {report.word_count} words, at least "
            f"{MIN_WORDS_TO_JUDGE} are needed to tell whether it sounds like the persona"
        )
    overall = report.overall_quality_score
    if overall < threshold:
        reasons.append(f"overall quality {overall:.2f} is under the threshold {threshold:.2f}")
    return reasons


def min_words(platform: Platform) -> int:
    """The fewest words a usable post has on ``platform``: enough to judge the voice
    (25) where the platform recommends a length in words (a blog, LinkedIn), else none."""
    return MIN_WORDS_TO_JUDGE if platform.constraints.length.recommended_words else 0


def _temperatures(temperature: float, count: int, *, spread: bool) -> list[float]:
    if count == 1 or not spread or temperature == 0:
        return [temperature] * count
    low, high = temperature * (1 - _TEMPERATURE_SPREAD), temperature * (1 + _TEMPERATURE_SPREAD)
    return [
        round(min(_MAX_TEMPERATURE, low + (high - low) * i / (count - 1)), 3) for i in range(count)
    ]


def optimize_content(
    voice: VoiceBrief,
    brief: str,
    llm: LLM,
    *,
    candidates: int = 2,
    threshold: float = 0.8,
    max_rounds: int = 3,
    max_tokens: int = 400,
    temperature: float = 0.8,
    seed: int = 0,
    rivals: Sequence[StyleProfile] = (),
    on_progress: Callable[[float, str], None] | None = None,
    voice_fixes: bool = True,
    first_round: int | None = None,
    tie_margin: float = 0.05,
    voice_margin: float = 0.15,
    embedder: TopicEmbedder | None = None,
    rescue_rounds: int = 0,
) -> OptimizeResult:
    """Write, fix, score and revise until ``threshold`` or ``max_rounds``; return the best.

    Parameters
    ----------
    voice
        The persona, its measured profile and rules, and the platform.
    brief
        What to write about.
    llm
        The model that drafts and revises.
    candidates
        Drafts per round (1 to 8).
    threshold
        Stop once the best accepted candidate's overall score reaches this.
    max_rounds
        Rounds at most (1 to 6): the first drafts, the others revise the best so far.
    max_tokens, temperature, seed
        Generation settings; round one spreads temperatures ±25 % around ``temperature``
        and every draft gets its own seed.
    rivals
        Other voices the text must not sound like (see :func:`score_content`).
    on_progress
        Called with (fraction done, what is happening) before each draft.
    voice_fixes
        Try :func:`apply_voice_fixes` on every draft (kept only when it scores better).
    first_round
        Drafts in round one (1 to 8; default ``candidates``): fresh drafts at varied
        temperatures are often worth more than revisions by a small model.
    tie_margin
        Overall scores this close to the best count as tied; among tied candidates the
        most authentic wins.
    voice_margin
        With ``rivals`` (the owner's other personas) the margin is at least this: the
        voice *among them* (authenticity is then typicality × the share personae's
        attribution gives this voice against the rivals) chooses among drafts of about
        the same quality, since a post that could be any of the owner's personas is
        not this one's.
    rescue_rounds
        Extra rounds of fresh drafts (0 to 4) run only while no candidate is usable
        (passes the junk checks and the platform): more chances where a post would
        otherwise fail, no cost where one passed.
    embedder
        Judge the topic by meaning (see :func:`~personae.persona.check_draft`); ``None``
        leaves it to the brief's key words.

    Raises
    ------
    InputError
        ``candidates``, ``first_round``, ``max_rounds``, ``rescue_rounds`` or a margin out of
        range, or an empty brief.
    LLMOutputError
        Not one candidate in any round was a usable text.
    LLMError
        The model failed.

    Examples
    --------
    >>> result = optimize_content(voice, "why we ship weekly", llm)  # doctest: +SKIP
    >>> result.report.overall_quality_score, result.trace[0].voice_fixes  # doctest: +SKIP
    (0.82, ['drop_unfinished_ending', 'contractions'])
    """
    if not 1 <= candidates <= 8:
        raise InputError(f"candidates must be 1 to 8 (got {candidates})", field="candidates")
    opening = candidates if first_round is None else first_round
    if not 1 <= opening <= 8:
        raise InputError(f"first_round must be 1 to 8 (got {opening})", field="first_round")
    if not 1 <= max_rounds <= 6:
        raise InputError(f"max_rounds must be 1 to 6 (got {max_rounds})", field="max_rounds")
    if not 0 <= rescue_rounds <= 4:
        raise InputError(
            f"rescue_rounds must be 0 to 4 (got {rescue_rounds})", field="rescue_rounds"
        )
    for name, margin in (("tie_margin", tie_margin), ("voice_margin", voice_margin)):
        if not 0.0 <= margin <= 1.0:
            raise InputError(f"{name} must be 0 to 1 (got {margin})", field=name)
    started = time.perf_counter()
    llm_seconds = 0.0
    tokens = 0
    calls = 0
    base = writing_messages(voice, brief)
    platform = voice.platform
    formatting = platform.constraints.formatting
    preview = platform.constraints.length.preview_chars
    judged = voice.profile is not None
    if judged and rivals:
        tie_margin = max(tie_margin, voice_margin)
    samples = voice.examples
    known = voice.known_names
    shortest = min_words(platform)
    trace: list[TraceStep] = []
    instructions: list[list[str]] = []
    scored: list[_Candidate] = []
    best: _Candidate | None = None
    stopped: Literal["threshold", "budget"] = "budget"
    rounds = 0
    planned = opening + (max_rounds - 1) * candidates

    def evaluate(final: str, fixes: tuple[VoiceFix, ...]) -> _Candidate:
        report = score_content(
            final, profile=voice.profile, platform=platform, constraints=voice.rules, rivals=rivals
        )
        check = check_draft(
            final, brief=brief, samples=samples, known=known, min_words=shortest, embedder=embedder
        )
        return _Candidate(final, report, fixes, _objective(report, judged=judged), check)

    for round_index in range(max_rounds + rescue_rounds):
        if round_index >= max_rounds and best is not None and best.passed:
            break
        rounds = round_index + 1
        count = opening if round_index == 0 else candidates
        messages = base
        if best is not None and best.passed:
            wanted = revision_instructions(best.report, platform)
            instructions.append(wanted)
            messages = [
                *base,
                Message.assistant(best.text),
                Message.user(
                    "Revise the post. " + " ".join(wanted) + " Answer with the revised post only."
                ),
            ]
        # Fresh drafts (at spread temperatures) while nothing usable was found: a small
        # model revising junk mostly rewrites the junk; a new draft is a new chance.
        fresh = messages is base
        temperatures = _temperatures(temperature, count, spread=fresh)
        for index in range(count):
            if on_progress is not None:
                on_progress(calls / planned, f"round {rounds}: candidate {index + 1} of {count}")
            asked = time.perf_counter()
            completion = draft(
                voice,
                brief,
                llm,
                max_tokens=max_tokens,
                temperature=temperatures[index],
                seed=seed + calls,
                messages=messages,
            )
            llm_seconds += time.perf_counter() - asked
            calls += 1
            tokens += completion.completion_tokens
            raw = drop_unrelated_hashtags(strip_notes(completion.text), brief, known)
            # (text before platform fixes, voice fixes applied): the repaired draft, and
            # the draft with the voice moves too when they changed anything.
            variants: list[tuple[str, tuple[VoiceFix, ...]]] = [(raw, ())]
            if voice_fixes and raw:
                try:
                    fixed = apply_voice_fixes(
                        raw,
                        profile=voice.profile,
                        rules=voice.rules,
                        truncated=completion.finish_reason == "length",
                        max_paragraph_words=formatting.max_paragraph_words,
                        first_sentence_chars=preview,
                        finish=platform.apply_fixes,
                    )
                except InputError:
                    fixed = None
                if fixed is not None:
                    repairs = tuple(fix for fix in fixed.applied if fix.kind == "repair")
                    variants = [(fixed.repaired, repairs)]
                    if fixed.text != fixed.repaired:
                        variants.append((fixed.text, tuple(fixed.applied)))
            options: list[tuple[_Candidate, str]] = []
            error: str | None = None
            for text, fixes in variants:
                final = platform.apply_fixes(text) if text else text
                try:
                    candidate = evaluate(final, fixes)
                except InputError as exc:
                    error = exc.message
                    continue
                options.append((candidate, text))
                if not candidate.check.passed:
                    # Repair: cut the sentences that failed, as a writer would.
                    cut = drop_failing_sentences(
                        final, candidate.check, brief=brief, samples=samples, known=known
                    )
                    cut = platform.apply_fixes(cut) if cut else cut
                    if cut and cut != final:
                        with contextlib.suppress(InputError):
                            options.append((evaluate(cut, fixes), cut))
            if not options:
                trace.append(
                    TraceStep(
                        round=rounds,
                        candidate=index,
                        overall_quality_score=None,
                        temperature=temperatures[index],
                        error=error,
                    )
                )
                continue
            chosen = _pick([candidate for candidate, _ in options], tie_margin)
            before_platform = next(text for candidate, text in options if candidate is chosen)
            report = chosen.report
            trace.append(
                TraceStep(
                    round=rounds,
                    candidate=index,
                    overall_quality_score=report.overall_quality_score,
                    authenticity_score=report.authenticity_score,
                    platform_optimization_quality=report.platform_optimization_quality,
                    consistency_score=report.consistency_score,
                    linguistic_quality=report.linguistic_quality,
                    platform_passed=chosen.platform_passed if report.details.platform else None,
                    junk=chosen.check.reasons,
                    fixes_applied=chosen.text != before_platform,
                    voice_fixes=[fix.name for fix in chosen.fixes],
                    temperature=temperatures[index],
                )
            )
            scored.append(chosen)
        if scored:
            best = _pick(scored, tie_margin)
            if not failures(best.report, best.check, threshold):
                stopped = "threshold"
                break
    if best is None:
        raise LLMOutputError(
            f"the model produced no usable text in {rounds} round(s)",
            provider=llm.provider,
            model=llm.model,
        )
    total = time.perf_counter() - started
    failed = failures(best.report, best.check, threshold)
    return OptimizeResult(
        text=best.text,
        report=best.report,
        trace=trace,
        rounds=rounds,
        stopped=stopped,
        instructions=instructions,
        voice_fixes=list(best.fixes),
        platform_passed=best.platform_passed if best.report.details.platform is not None else None,
        checks=best.check,
        passed=not failed,
        failures=failed,
        llm_calls=calls,
        llm_ms=round(llm_seconds * 1000, 2),
        pipeline_ms=round((total - llm_seconds) * 1000, 2),
        completion_tokens=tokens,
    )
