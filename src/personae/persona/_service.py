"""The persona service: creation, generation, writing, scoring and platform adaptation.

The HTTP API, the CLI and background jobs all call this one class (built by
:func:`~personae.persona.build_persona_service`), so each use case is written once and
owns its unit of work. It takes its collaborators as arguments (the database and a
function that builds the model for an owner), so tests pass a real SQLite store and a
scripted LLM.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from personae.errors import (
    DuplicateNameError,
    InputError,
    PersonaeError,
    PersonaNotFoundError,
    TextTooLargeError,
)
from personae.llm import LLM
from personae.persona._content import LimitedStream, VoiceBrief, stream_draft
from personae.persona._draft_checks import DraftCheck, TopicEmbedder, check_draft
from personae.persona._exchange import Exchange
from personae.persona._generate import (
    GeneratedPersona,
    OnboardingData,
    PersonaGenerationRequest,
    ProgressFn,
    SampleDrafts,
    draft_samples,
    generate_persona,
)
from personae.persona._insights import Insights, PersonaChanged
from personae.persona._measure import voice_profile
from personae.persona._optimize import (
    FIRST_ROUND,
    RESCUE_ROUNDS,
    OptimizeResult,
    optimize_content,
)
from personae.persona._quality import QualityReport, score_content
from personae.persona._versions import Records
from personae.persona._voice_rules import VoiceRules
from personae.persona.platforms import Platform, get_platform
from personae.store import Database, PersonaCreate, PersonaPublic, crud, session_scope
from personae.style import StyleProfile

__all__ = ["VALIDATION_TYPE", "LLMFactory", "PersonaService", "ScoredText", "voice_profile"]

VALIDATION_TYPE = "content_quality"
"""``metrics["validation_type"]`` of the rows :meth:`PersonaService.score_and_record` stores."""

LLMFactory = Callable[[int, str], LLM]
"""``(owner_id, purpose) -> LLM``: the model to use for one owner's call (cached and
accounted per owner in production, scripted in tests)."""


@dataclass(frozen=True, slots=True)
class ScoredText:
    """A text's quality report, and the stored row's id when a persona was named."""

    validation_id: int | None
    report: QualityReport


class PersonaService(Insights, Records, Exchange):
    """Use cases on one owner's personas that need more than the store.

    Parameters
    ----------
    database
        The store.
    llm_for
        Builds the model for an owner and a purpose (see :data:`LLMFactory`).
    max_text_chars
        Longest sample or text accepted (``PERSONAE_MAX_TEXT_CHARS``).
    on_change
        ``(owner_id, persona_id)``, called after a commit that changed a persona (the API
        passes the invalidation of its read cache), so no caller invalidates by hand.
    """

    def __init__(
        self,
        database: Database,
        llm_for: LLMFactory,
        *,
        max_text_chars: int = 200_000,
        on_change: PersonaChanged | None = None,
        topic_embedder: TopicEmbedder | None = None,
    ) -> None:
        self._database = database
        self._topic_embedder = topic_embedder
        self._llm_for = llm_for
        self._max_text_chars = max_text_chars
        self._on_change = on_change

    # -- generation ---------------------------------------------------------------------

    def check_name_free(self, owner_id: int, name: str) -> None:
        """Refuse early (before a long job) a name the owner already uses.

        Raises
        ------
        DuplicateNameError
            The owner has a persona of that name.
        """
        with session_scope(self._database) as session:
            try:
                crud.get_persona_by_name(session=session, owner_id=owner_id, name=name)
            except PersonaNotFoundError:
                return
        raise DuplicateNameError(f"you already have a persona named {name!r}", name=name)

    def create(
        self,
        owner_id: int,
        fields: Mapping[str, Any],
        *,
        writing_samples: Sequence[str] = (),
    ) -> PersonaPublic:
        """Create a persona from its fields and, optionally, writing samples.

        With samples, the linguistic fingerprint is measured from them once
        (:meth:`StyleProfile.from_texts`) and stored as it was measured: the profile is
        serialised once and never parsed back. A sample that cannot be measured (empty,
        binary, too large) raises an error naming it (``writing_samples[i]``).

        Raises
        ------
        InputError
            Samples and a fingerprint both given, or a sample that cannot be measured.
        TextTooLargeError
            A sample longer than ``max_text_chars``.
        DuplicateNameError
            The owner already has a persona of that name.
        """
        data = dict(fields)
        if writing_samples:
            if data.get("linguistic_fingerprint") is not None:
                raise InputError(
                    "send writing_samples or linguistic_fingerprint, not both: the fingerprint "
                    "is measured from the samples",
                    field="linguistic_fingerprint",
                )
            data["linguistic_fingerprint"] = self._measure(
                writing_samples, name=str(data.get("display_name") or data.get("name") or "")
            )
        create = PersonaCreate.model_validate(data)
        with session_scope(self._database) as session:
            persona = crud.create_persona(session=session, owner_id=owner_id, data=create)
            return PersonaPublic.model_validate(persona)

    def _measure(self, samples: Sequence[str], *, name: str) -> StyleProfile:
        for index, text in enumerate(samples):
            if len(text) > self._max_text_chars:
                error = TextTooLargeError(size=len(text), limit=self._max_text_chars)
                error.details["field"] = f"writing_samples[{index}]"
                raise error
        done = 0

        def progress(count: int) -> None:
            nonlocal done
            done = count

        try:
            return StyleProfile.from_texts(samples, name=name, on_progress=progress)
        except PersonaeError as exc:
            exc.details.setdefault("field", f"writing_samples[{done}]")
            raise

    def generate(
        self,
        owner_id: int,
        request: PersonaGenerationRequest,
        *,
        on_progress: ProgressFn | None = None,
    ) -> tuple[PersonaPublic, GeneratedPersona]:
        """Generate a persona from samples and onboarding answers, store it, record how.

        The analysis (confidence terms, step timings, brand voice) is stored as a
        ``persona_analysis_results`` row of type ``persona_generation``.
        """
        started = time.perf_counter()
        generated = generate_persona(
            request,
            self._llm_for(owner_id, "persona.generate"),
            max_text_chars=self._max_text_chars,
            on_progress=on_progress,
        )
        elapsed_ms = int((time.perf_counter() - started) * 1000)
        fields = dict(generated.fields)
        message = str(fields.pop("message", "generated"))
        with session_scope(self._database) as session:
            persona = crud.create_persona(
                session=session,
                owner_id=owner_id,
                data=PersonaCreate.model_validate(fields),
                actor_id=owner_id,
                message=message,
            )
            crud.add_analysis_result(
                session=session,
                owner_id=owner_id,
                persona_id=persona.id,
                analysis_type="persona_generation",
                results={
                    "confidence": generated.confidence,
                    "timings_ms": generated.timings_ms,
                    "brand_voice_description": generated.brand_voice_description,
                    "samples": len(request.writing_samples),
                },
                processing_time_ms=elapsed_ms,
                actor_id=owner_id,
            )
            public = PersonaPublic.model_validate(persona)
        return public, generated

    def draft_samples(self, owner_id: int, onboarding: OnboardingData) -> SampleDrafts:
        """Three short texts from onboarding answers, for a writer without samples."""
        return draft_samples(onboarding, self._llm_for(owner_id, "persona.samples"))

    # -- writing ------------------------------------------------------------------------

    def voice(
        self,
        owner_id: int,
        persona_id: int,
        platform: Platform | str,
        *,
        version: int | None = None,
    ) -> VoiceBrief:
        """The persona (owner-scoped: another owner's id is not found) on a platform, as
        it is now or as it was at ``version`` (an A/B test's variant writes as its own
        version, whatever the persona has become since)."""
        resolved = get_platform(platform) if isinstance(platform, str) else platform
        with session_scope(self._database) as session:
            persona = crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
            public = PersonaPublic.model_validate(persona)
            if version is not None and version != public.version:
                then = crud.get_version(
                    session=session, owner_id=owner_id, persona_id=persona_id, version=version
                ).snapshot
                fields = {k: v for k, v in then.items() if k in PersonaPublic.model_fields}
                public = public.model_copy(update={**fields, "version": version})
        return VoiceBrief.of(public, resolved)

    def write(
        self,
        owner_id: int,
        persona_id: int,
        platform: str,
        brief: str,
        *,
        candidates: int = 2,
        max_rounds: int = 3,
        threshold: float = 0.8,
        max_tokens: int = 400,
        rivals: Sequence[StyleProfile] | None = None,
        on_progress: ProgressFn | None = None,
        version: int | None = None,
    ) -> OptimizeResult:
        """Write with the optimize loop (as the persona's ``version`` when given) and store
        the final score as a validation result.

        The search is the one ``benchmarks/writing_quality.py`` measures: round one drafts
        :data:`FIRST_ROUND` texts at spread temperatures, and while none is usable a
        rescue round of fresh drafts follows (:data:`RESCUE_ROUNDS`). ``rivals`` defaults
        to the owner's other measured personas (:meth:`other_voices`), so the voice
        *among them* chooses between drafts of about equal quality; pass ``()`` for none.
        """
        voice = self.voice(owner_id, persona_id, platform, version=version)
        if rivals is None:
            rivals = self.other_voices(owner_id, persona_id)
        result = optimize_content(
            voice,
            brief,
            self._llm_for(owner_id, "content.generate"),
            candidates=candidates,
            first_round=max(candidates, FIRST_ROUND),
            max_rounds=max_rounds,
            rescue_rounds=RESCUE_ROUNDS,
            threshold=threshold,
            max_tokens=max_tokens,
            rivals=rivals,
            on_progress=on_progress,
            embedder=self._topic_embedder,
        )
        self.record_score(
            owner_id,
            voice,
            result.report.model_dump(mode="json"),
            source="write",
            passed=result.passed,
            checks=result.checks.model_dump(mode="json"),
        )
        return result

    def check_written(self, voice: VoiceBrief, text: str, brief: str) -> DraftCheck:
        """The junk checks of a text written outside the optimize loop (a streamed
        draft), judged on topic the way :meth:`write` judges its drafts."""
        return check_draft(
            text,
            brief=brief,
            samples=voice.examples,
            known=voice.known_names,
            embedder=self._topic_embedder,
        )

    def stream(
        self, owner_id: int, voice: VoiceBrief, brief: str, *, max_tokens: int = 400
    ) -> LimitedStream:
        """One draft's tokens as they are written (no loop; score and check the joined
        text after), stopped at the platform's hard limit."""
        llm = self._llm_for(owner_id, "content.stream")
        return stream_draft(voice, brief, llm, max_tokens=max_tokens)

    def score_and_record(
        self,
        owner_id: int,
        text: str,
        *,
        persona_id: int | None = None,
        persona_name: str | None = None,
        platform: str | None = None,
    ) -> ScoredText:
        """Seed 001's quality metrics for ``text``, and with a persona, stored.

        Without a persona the text is judged on its own (linguistic quality, and platform
        quality with ``platform``). With one (by id, or by name as the CLI names them;
        another owner's is not found) its measured voice gives the authenticity score and
        its stated go-to/avoid words and style rules the consistency score, and the report
        is stored as a validation result of the persona (``validation_type``
        :data:`VALIDATION_TYPE`, failed when the platform's hard rules fail).

        Raises
        ------
        TextTooLargeError
            ``text`` longer than ``max_text_chars``.
        PersonaNotFoundError, PlatformNotFoundError
            No such persona for this owner, or no such platform.
        """
        if len(text) > self._max_text_chars:
            raise TextTooLargeError(size=len(text), limit=self._max_text_chars)
        target = get_platform(platform) if platform is not None else None
        if persona_id is None and persona_name is None:
            report = score_content(text, platform=target, max_chars=self._max_text_chars)
            return ScoredText(validation_id=None, report=report)
        with session_scope(self._database) as session:
            persona = (
                crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
                if persona_id is not None
                else crud.get_persona_by_name(
                    session=session, owner_id=owner_id, name=str(persona_name)
                )
            )
            profile = voice_profile(persona)
            report = score_content(
                text,
                profile=profile,
                platform=target,
                constraints=VoiceRules.from_persona(
                    persona.tonal_range, persona.stylistic_constraints
                ),
                max_chars=self._max_text_chars,
            )
            if profile is None:
                report = report.model_copy(
                    update={"notes": [*report.notes, "the persona has no measured voice yet"]}
                )
            failed = report.details.platform is not None and not report.details.platform.passed
            row = crud.add_validation_result(
                session=session,
                owner_id=owner_id,
                persona_id=persona.id,
                validation_status="failed" if failed else "passed",
                metrics={
                    "validation_type": VALIDATION_TYPE,
                    "persona_version": persona.version,
                    **report.model_dump(mode="json"),
                },
            )
            return ScoredText(validation_id=row.id, report=report)

    def record_score(
        self,
        owner_id: int,
        voice: VoiceBrief,
        report: dict[str, Any],
        *,
        source: str,
        passed: bool | None = None,
        checks: dict[str, Any] | None = None,
    ) -> None:
        """Keep a computed quality report as a ``persona_validation_results`` row.

        ``passed`` is the caller's verdict for a text the model wrote (junk checks,
        platform rules and threshold); without it, the platform's rules decide.
        """
        platform = (report.get("details") or {}).get("platform")
        if passed is None:
            passed = platform is None or bool(platform.get("passed"))
        with session_scope(self._database) as session:
            crud.add_validation_result(
                session=session,
                owner_id=owner_id,
                persona_id=voice.persona.id,
                validation_status="passed" if passed else "failed",
                metrics={
                    "source": source,
                    "platform": voice.platform.name,
                    "persona_version": voice.persona.version,
                    **{
                        key: report.get(key)
                        for key in (
                            "overall_quality_score",
                            "linguistic_quality",
                            "consistency_score",
                            "authenticity_score",
                            "platform_optimization_quality",
                        )
                    },
                    **({"checks": checks} if checks is not None else {}),
                },
                actor_id=owner_id,
            )

    # -- platform adaptation --------------------------------------------------------------

    def adapt_to_platform(self, owner_id: int, persona_id: int, platform: str) -> dict[str, Any]:
        """Store the persona's adaptation to a platform (``platform_personas``), computed.

        The platform's limits and guidance, the persona's measured rules reconciled with
        them (where the platform is stricter, it wins, and the conflict is listed), the
        platform's optimization strategies, and the persona's audience clusters learned
        from engagement (``personae.strategy``): when each segment engages and with what.
        No LLM: everything here is a rule or a measurement.
        """
        voice = self.voice(owner_id, persona_id, platform)
        info = voice.platform.info()
        rules = voice.rules
        conflicts = []
        emoji_policy = voice.platform.constraints.emoji
        if rules.emoji == "use" and not emoji_policy.allowed:
            conflicts.append(f"the persona uses emoji; {info.display_name} posts take none")
        if rules.sentence_length is not None and voice.platform.constraints.length.max_chars:
            low, _ = rules.sentence_length
            if low * 6 > voice.platform.constraints.length.max_chars:
                conflicts.append("the persona's sentences are long for this platform's limit")
        data = {
            "constraints": info.constraints.model_dump(mode="json"),
            "prompt_guidance": info.prompt_guidance,
            "voice_rules": rules.model_dump(mode="json"),
            "conflicts": conflicts,
            "persona_version": voice.persona.version,
        }
        strategies = {
            "strategies": [s.model_dump(mode="json") for s in info.strategies],
        }
        with session_scope(self._database) as session:
            data["audience"] = _audience(session, owner_id, persona_id)
            row = crud.upsert_platform_persona(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                platform=voice.platform.name,
                platform_specific_data=data,
                optimization_strategies=strategies,
                actor_id=owner_id,
            )
            return {
                "persona_id": persona_id,
                "platform": row.platform,
                "platform_specific_data": row.platform_specific_data,
                "optimization_strategies": row.optimization_strategies,
            }


def _audience(session: Session, owner_id: int, persona_id: int) -> dict[str, Any]:
    """The persona's largest audience clusters and the posting hours they share."""
    clusters = crud.list_audience_clusters(
        session=session, owner_id=owner_id, persona_id=persona_id, limit=5
    )
    segments = []
    weight: dict[int, int] = {}
    for row in clusters:
        hours = [int(hour) for hour in row.characteristics.get("peak_engagement_hours") or []]
        for hour in hours:
            weight[hour] = weight.get(hour, 0) + row.size
        segments.append(
            {
                "cluster_id": row.id,
                "size": row.size,
                "peak_engagement_hours": hours,
                "preferred_content_types": list(
                    row.characteristics.get("preferred_content_types") or []
                ),
                "avg_engagement_rate": row.characteristics.get("avg_engagement_rate"),
            }
        )
    best_hours = sorted(weight, key=lambda hour: (-weight[hour], hour))[:3]
    return {"segments": segments, "best_posting_hours": best_hours}
