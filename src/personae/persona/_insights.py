"""The persona service's feedback, quality and analytics use cases: stored rows and
computed numbers only.

Nothing here is estimated. Quality is what the store holds (validation results, the
confidence score) and what the measured voice rests on (samples, words). Feedback stores
the rating and, when the user sends the text as they corrected it, adds that text to the
persona's measured voice as a new version (one unit of work: the version, the feedback
row and the metrics commit together). Analytics are counts and series over the stored
rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import fmean

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from personae.errors import InputError, ProfileError, TextTooLargeError, VersionConflictError
from personae.persona._marks import VoiceMark, voice_marks
from personae.persona._measure import voice_profile
from personae.store import (
    Database,
    PersonaMetric,
    PersonaPublic,
    PersonaUpdate,
    PersonaValidationResult,
    crud,
    session_scope,
)
from personae.style import (
    MIN_WORDS_TO_JUDGE,
    Match,
    StyleProfile,
    VerificationResult,
    analyze,
    text_evidence,
    verify,
)

__all__ = [
    "EDIT_MATCH_METRIC",
    "FEEDBACK_ANALYSIS",
    "MAX_RIVALS",
    "RATING_METRIC",
    "AnalyticsReport",
    "DailyRatings",
    "FeedbackOutcome",
    "Insights",
    "MetricStats",
    "PersonaChanged",
    "QualityFacts",
    "RatingPoint",
    "VersionStats",
]

RATING_METRIC = "feedback_rating"
"""The metric series of feedback ratings (1..5)."""

EDIT_MATCH_METRIC = "edit_match_score"
"""The metric series of how well users' corrected texts matched the voice (0..1)."""

FEEDBACK_ANALYSIS = "feedback"
"""The analysis-result type that keeps each piece of feedback (rating, comment …)."""

MAX_RIVALS = 20
"""The most of the owner's other voices a text is set against (as many as the API's
``against`` takes): each costs one attribution per scored draft."""

PersonaChanged = Callable[[int, int | None], None]
"""``(owner_id, persona_id)``: called after a commit that changed the persona, or (with
``None``) several of the owner's personas (the API drops what its cache holds about
them)."""


class VersionStats(BaseModel):
    """The persona's history in numbers."""

    count: int
    current: int
    first_at: datetime | None
    last_at: datetime | None


class RatingPoint(BaseModel):
    """One rating at one time."""

    rating: float
    recorded_at: datetime


class DailyRatings(BaseModel):
    """Ratings of one day (UTC)."""

    day: date
    count: int
    mean_rating: float


class MetricStats(BaseModel):
    """One metric's rows, summarised."""

    metric: str
    count: int
    mean: float
    min: float
    max: float
    latest: float
    latest_at: datetime


class AnalyticsReport(BaseModel):
    """Counts and series computed from the persona's stored rows."""

    persona_id: int
    versions: VersionStats
    ratings: list[RatingPoint] = Field(description="Feedback ratings over time, oldest first.")
    ratings_by_day: list[DailyRatings]
    metrics: list[MetricStats]


@dataclass(frozen=True, slots=True)
class FeedbackOutcome:
    """What :meth:`Insights.learn_from_feedback` stored."""

    feedback_id: int
    profile_updated: bool
    edit_match_score: float | None
    persona: PersonaPublic


@dataclass(frozen=True, slots=True)
class QualityFacts:
    """What a persona's quality rests on (rows read in one unit of work)."""

    persona: PersonaPublic
    profile: StyleProfile | None
    validation_results: list[PersonaValidationResult]
    ratings: list[float]


def _metric_stats(rows: list[PersonaMetric]) -> list[MetricStats]:
    by_metric: dict[str, list[PersonaMetric]] = defaultdict(list)
    for row in rows:
        by_metric[row.metric].append(row)
    stats = []
    for metric in sorted(by_metric):
        series = by_metric[metric]
        values = [row.value for row in series]
        stats.append(
            MetricStats(
                metric=metric,
                count=len(values),
                mean=fmean(values),
                min=min(values),
                max=max(values),
                latest=series[-1].value,
                latest_at=series[-1].recorded_at,
            )
        )
    return stats


class Insights:
    """Feedback, quality and analytics (mixed into :class:`~personae.persona.PersonaService`,
    which provides the database, the text limit and the change hook)."""

    _database: Database
    _max_text_chars: int
    _on_change: PersonaChanged | None

    def quality_facts(
        self, owner_id: int, persona_id: int, *, validations: int = 20
    ) -> QualityFacts:
        """The persona, its measured voice, its newest ``validations`` validation results
        and its feedback ratings."""
        with session_scope(self._database) as session:
            persona = crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
            checks = crud.list_validation_results(
                session=session, owner_id=owner_id, persona_id=persona_id, limit=validations
            )
            ratings = [
                row.value
                for row in crud.list_metrics(
                    session=session, owner_id=owner_id, persona_id=persona_id, metric=RATING_METRIC
                )
            ]
            return QualityFacts(
                persona=PersonaPublic.model_validate(persona),
                profile=voice_profile(persona),
                validation_results=checks,
                ratings=ratings,
            )

    def learn_from_feedback(
        self,
        owner_id: int,
        persona_id: int,
        *,
        rating: int,
        comment: str = "",
        edited_text: str | None = None,
        version: int | None = None,
    ) -> FeedbackOutcome:
        """Record a rating; with ``edited_text``, also learn the voice from the correction.

        The corrected text is measured once: first matched against the voice as it was
        (the ``edit_match_score`` metric, when it has enough words to judge), then added to
        it, as ``StyleProfile.update([edited_text])`` would, and stored as a new version. A
        persona without a voice yet gets one from the text. ``version`` is the version the
        caller read: a persona changed since is a :class:`VersionConflictError`.
        """
        if edited_text is not None and len(edited_text) > self._max_text_chars:
            raise TextTooLargeError(size=len(edited_text), limit=self._max_text_chars)
        with session_scope(self._database) as session:
            persona = crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
            rated_version = persona.version
            if version is not None and version != persona.version:
                raise VersionConflictError(
                    persona_id=persona_id, expected=version, actual=persona.version
                )
            edit_match: float | None = None
            edited_words: int | None = None
            if edited_text is not None:
                measured = analyze(edited_text, max_chars=self._max_text_chars)
                edited_words = measured.word_count
                profile = voice_profile(persona)
                if profile is None:
                    profile = StyleProfile(name=persona.display_name)
                elif measured.word_count >= MIN_WORDS_TO_JUDGE:
                    edit_match = profile.match_fingerprint(measured).score
                # With its character and word evidence, as StyleProfile.update would add it.
                profile.add_fingerprint(measured, evidence=text_evidence(edited_text))
                persona = crud.update_persona(
                    session=session,
                    owner_id=owner_id,
                    persona_id=persona_id,
                    update=PersonaUpdate(
                        version=persona.version,
                        linguistic_fingerprint=profile,
                        message=(
                            f"feedback: a corrected text of {edited_words} words added to the voice"
                        ),
                    ),
                )
            row = crud.add_analysis_result(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                analysis_type=FEEDBACK_ANALYSIS,
                results={
                    "rating": rating,
                    "comment": comment,
                    "version": rated_version,
                    "edited_words": edited_words,
                    "edit_match_score": edit_match,
                },
            )
            crud.record_metric(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                metric=RATING_METRIC,
                value=float(rating),
            )
            if edit_match is not None:
                crud.record_metric(
                    session=session,
                    owner_id=owner_id,
                    persona_id=persona_id,
                    metric=EDIT_MATCH_METRIC,
                    value=edit_match,
                )
            outcome = FeedbackOutcome(
                feedback_id=row.id,
                profile_updated=edited_text is not None,
                edit_match_score=edit_match,
                persona=PersonaPublic.model_validate(persona),
            )
        if edited_text is not None and self._on_change is not None:
            self._on_change(owner_id, persona_id)
        return outcome

    def analytics(self, owner_id: int, persona_id: int) -> AnalyticsReport:
        """Version counts, feedback ratings over time (and per day, UTC), and every metric."""
        with session_scope(self._database) as session:
            persona = crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
            versions = crud.history(session=session, owner_id=owner_id, persona_id=persona_id)
            metrics = crud.list_metrics(session=session, owner_id=owner_id, persona_id=persona_id)
            ratings = [row for row in metrics if row.metric == RATING_METRIC]
            days: dict[date, list[float]] = defaultdict(list)
            for row in ratings:
                days[row.recorded_at.date()].append(row.value)
            return AnalyticsReport(
                persona_id=persona.id,
                versions=VersionStats(
                    count=len(versions),
                    current=persona.version,
                    first_at=versions[0].created_at if versions else None,
                    last_at=versions[-1].created_at if versions else None,
                ),
                ratings=[
                    RatingPoint(rating=row.value, recorded_at=row.recorded_at) for row in ratings
                ],
                ratings_by_day=[
                    DailyRatings(day=day, count=len(values), mean_rating=fmean(values))
                    for day, values in sorted(days.items())
                ],
                metrics=_metric_stats(metrics),
            )

    def rival_profiles(self, owner_id: int, persona_ids: Sequence[int]) -> list[StyleProfile]:
        """The measured voices of the owner's personas ``persona_ids`` (those without one
        are left out; another owner's id is not found)."""
        rivals = []
        with session_scope(self._database) as session:
            for rival_id in dict.fromkeys(persona_ids):
                persona = crud.get_persona(session=session, owner_id=owner_id, persona_id=rival_id)
                profile = voice_profile(persona)
                if profile is not None:
                    rivals.append(profile)
        return rivals

    def other_voices(self, owner_id: int, persona_id: int) -> list[StyleProfile]:
        """The measured voices of the owner's other active personas (at most
        :data:`MAX_RIVALS`, by name): what a text written as ``persona_id`` must not sound
        like, since a post any of the owner's personas could have written is not this
        one's."""
        with session_scope(self._database) as session:
            personas = crud.list_personas(
                session=session, owner_id=owner_id, limit=MAX_RIVALS + 1, active_only=True
            )
            profiles = [voice_profile(p) for p in personas if p.id != persona_id]
        return [profile for profile in profiles if profile is not None][:MAX_RIVALS]

    def match(
        self, owner_id: int, persona_id: int, text: str, *, against: Sequence[int] = ()
    ) -> Match:
        """How typical ``text`` is of the persona's voice, what deviates and what to change;
        with ``against`` (the owner's other personas), also whether this voice explains the
        text better than theirs.

        Raises
        ------
        TextTooLargeError
            ``text`` longer than ``max_text_chars``.
        ProfileError
            The persona (or a rival) has no measured voice yet.
        InputError
            ``against`` names the persona itself.
        """
        if len(text) > self._max_text_chars:
            raise TextTooLargeError(size=len(text), limit=self._max_text_chars)
        with session_scope(self._database) as session:
            voices = []
            for index, other_id in enumerate([persona_id, *dict.fromkeys(against)]):
                if index and other_id == persona_id:
                    raise InputError(
                        "against lists the persona itself; name the other personas only",
                        field="against",
                    )
                voices.append(_measured_voice(session, owner_id, other_id))
        return voices[0].match(text, against=voices[1:])

    def verify(self, owner_id: int, persona_id: int, text: str) -> VerificationResult:
        """Whether the persona's voice wrote ``text``: the open-set answer, for when there
        is one candidate and nothing to attribute among (``personae.style.verify``).

        The owner's other active personas join the bundled background writers as
        impostors: a post one of them could have written is not this voice's, and they
        are the writing of the same kind that the bundled writers cannot promise (on the
        benchmark's corpora they lift the AUC at 150 words from 0.744 to 0.764).

        Raises
        ------
        TextTooLargeError
            ``text`` longer than ``max_text_chars``.
        ProfileError
            The persona has no measured voice yet.
        TextTooShortError
            A text too short to judge.
        """
        profile = self._voice_to_judge(owner_id, persona_id, text)
        return verify(profile, text, impostors=self.other_voices(owner_id, persona_id))

    def voice_marks(self, owner_id: int, persona_id: int, text: str) -> list[VoiceMark]:
        """Where ``text`` strays from the persona's voice, as character spans with a message
        for the writer (see :func:`~personae.persona._marks.voice_marks`).

        Raises
        ------
        TextTooLargeError
            ``text`` longer than ``max_text_chars``.
        ProfileError
            The persona has no measured voice yet.
        InputError
            A text too short to judge.
        """
        return voice_marks(text, self._voice_to_judge(owner_id, persona_id, text))

    def _voice_to_judge(self, owner_id: int, persona_id: int, text: str) -> StyleProfile:
        """The persona's measured voice, once ``text`` is known to be within the size
        limit (TextTooLargeError, PersonaNotFoundError, ProfileError)."""
        if len(text) > self._max_text_chars:
            raise TextTooLargeError(size=len(text), limit=self._max_text_chars)
        with session_scope(self._database) as session:
            return _measured_voice(session, owner_id, persona_id)


def _measured_voice(session: Session, owner_id: int, persona_id: int) -> StyleProfile:
    """The owner's persona's measured voice (PersonaNotFoundError for another owner's).

    Raises
    ------
    ProfileError
        The persona has no measured voice yet.
    """
    persona = crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    profile = voice_profile(persona)
    if profile is None:
        raise ProfileError(
            f"persona {persona.id} has no measured voice yet: create it with "
            "writing_samples or send feedback with an edited_text",
            persona_id=persona.id,
        )
    return profile
