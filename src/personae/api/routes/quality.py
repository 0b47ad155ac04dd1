"""Quality, feedback and analytics of a persona: stored rows and computed numbers only.

Nothing here is estimated. Quality is what the store holds (validation results, the
confidence score) and what the measured voice rests on (samples, words). Feedback stores
the rating and, when the user sends the text as they corrected it, adds that text to the
persona's measured voice as a new version. Analytics are counts and series over the
stored rows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from statistics import fmean

from fastapi import APIRouter

from personae.api._envelope import Envelope, error_responses, ok
from personae.api._schemas import (
    AnalyticsReport,
    DailyRatings,
    FeedbackRequest,
    FeedbackResult,
    FeedbackStats,
    MetricStats,
    ProfileStats,
    QualityReport,
    RatingPoint,
    ValidationResultPublic,
    VersionStats,
)
from personae.api.deps import (
    AfterCommitDep,
    CurrentUserDep,
    PersonaIdPath,
    SessionDep,
    SettingsDep,
)
from personae.errors import TextTooLargeError, VersionConflictError
from personae.store import Persona, PersonaMetric, PersonaPublic, PersonaUpdate, crud
from personae.style import MIN_WORDS_TO_JUDGE, StyleProfile, analyze, text_evidence

__all__ = ["EDIT_MATCH_METRIC", "FEEDBACK_ANALYSIS", "RATING_METRIC", "router"]

RATING_METRIC = "feedback_rating"
"""The metric series of feedback ratings (1..5)."""

EDIT_MATCH_METRIC = "edit_match_score"
"""The metric series of how well users' corrected texts matched the voice (0..1)."""

FEEDBACK_ANALYSIS = "feedback"
"""The analysis-result type that keeps each piece of feedback (rating, comment …)."""

_VALIDATION_RESULTS_SHOWN = 20

router = APIRouter(
    prefix="/api/personas/{persona_id}",
    tags=["quality"],
    responses=error_responses(401, 404, 422, 429, 503),
)


def _profile(persona: Persona) -> StyleProfile | None:
    if persona.linguistic_fingerprint is None:
        return None
    return StyleProfile.from_json(json.dumps(persona.linguistic_fingerprint))


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


@router.get("/quality", summary="Quality of a persona", response_model=Envelope[QualityReport])
def quality(
    persona_id: PersonaIdPath, caller: CurrentUserDep, session: SessionDep
) -> Envelope[QualityReport]:
    """Stored validation results, the confidence score, and what the voice rests on."""
    persona = crud.get_persona(session=session, owner_id=caller.id, persona_id=persona_id)
    profile = _profile(persona)
    stats = None
    if profile is not None:
        stats = ProfileStats(
            name=profile.name,
            sample_count=profile.sample_count,
            word_count=profile.word_count,
            english_samples=profile.english_samples,
            dimensions=len(profile.dimensions),
        )
    checks = crud.list_validation_results(
        session=session, owner_id=caller.id, persona_id=persona_id, limit=_VALIDATION_RESULTS_SHOWN
    )
    ratings = [
        row.value
        for row in crud.list_metrics(
            session=session, owner_id=caller.id, persona_id=persona_id, metric=RATING_METRIC
        )
    ]
    return ok(
        QualityReport(
            persona_id=persona.id,
            version=persona.version,
            confidence_score=persona.confidence_score,
            profile=stats,
            validation_results=[ValidationResultPublic.model_validate(row) for row in checks],
            feedback=FeedbackStats(count=len(ratings), mean_rating=_mean(ratings)),
        )
    )


@router.post(
    "/feedback",
    status_code=201,
    summary="Send feedback on a persona",
    response_model=Envelope[FeedbackResult],
    responses=error_responses(409, 413),
)
def feedback(
    persona_id: PersonaIdPath,
    body: FeedbackRequest,
    caller: CurrentUserDep,
    session: SessionDep,
    settings: SettingsDep,
    after_commit: AfterCommitDep,
) -> Envelope[FeedbackResult]:
    """Record a rating; with ``edited_text``, also learn the voice from the correction.

    The corrected text is measured once: first matched against the voice as it was (the
    ``edit_match_score`` metric, when it has enough words to judge), then added to it, as
    ``StyleProfile.update([edited_text])`` would, and stored as a new version. A persona
    without a voice yet gets one from the text.
    """
    persona = crud.get_persona(session=session, owner_id=caller.id, persona_id=persona_id)
    rated_version = persona.version
    if body.version is not None and body.version != persona.version:
        raise VersionConflictError(
            persona_id=persona_id, expected=body.version, actual=persona.version
        )
    edit_match: float | None = None
    edited_words: int | None = None
    if body.edited_text is not None:
        text = body.edited_text
        if len(text) > settings.max_text_chars:
            raise TextTooLargeError(size=len(text), limit=settings.max_text_chars)
        measured = analyze(text, max_chars=settings.max_text_chars)
        edited_words = measured.word_count
        profile = _profile(persona)
        if profile is None:
            profile = StyleProfile(name=persona.display_name)
        elif measured.word_count >= MIN_WORDS_TO_JUDGE:
            edit_match = profile.match_fingerprint(measured).score
        # With its character and word evidence, as StyleProfile.update would add it.
        profile.add_fingerprint(measured, evidence=text_evidence(text))
        persona = crud.update_persona(
            session=session,
            owner_id=caller.id,
            persona_id=persona_id,
            update=PersonaUpdate(
                version=persona.version,
                linguistic_fingerprint=json.loads(profile.to_json()),
                message=f"feedback: a corrected text of {edited_words} words added to the voice",
            ),
        )
        after_commit.persona_changed(caller.id, persona_id)
    row = crud.add_analysis_result(
        session=session,
        owner_id=caller.id,
        persona_id=persona_id,
        analysis_type=FEEDBACK_ANALYSIS,
        results={
            "rating": body.rating,
            "comment": body.comment,
            "version": rated_version,
            "edited_words": edited_words,
            "edit_match_score": edit_match,
        },
    )
    crud.record_metric(
        session=session,
        owner_id=caller.id,
        persona_id=persona_id,
        metric=RATING_METRIC,
        value=float(body.rating),
    )
    if edit_match is not None:
        crud.record_metric(
            session=session,
            owner_id=caller.id,
            persona_id=persona_id,
            metric=EDIT_MATCH_METRIC,
            value=edit_match,
        )
    return ok(
        FeedbackResult(
            feedback_id=row.id,
            rating=body.rating,
            profile_updated=body.edited_text is not None,
            edit_match_score=edit_match,
            persona=PersonaPublic.model_validate(persona),
        )
    )


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


@router.get(
    "/analytics", summary="Analytics of a persona", response_model=Envelope[AnalyticsReport]
)
def analytics(
    persona_id: PersonaIdPath, caller: CurrentUserDep, session: SessionDep
) -> Envelope[AnalyticsReport]:
    """Version counts, feedback ratings over time (and per day, UTC), and every metric."""
    persona = crud.get_persona(session=session, owner_id=caller.id, persona_id=persona_id)
    versions = crud.history(session=session, owner_id=caller.id, persona_id=persona_id)
    metrics = crud.list_metrics(session=session, owner_id=caller.id, persona_id=persona_id)
    ratings = [row for row in metrics if row.metric == RATING_METRIC]
    days: dict[date, list[float]] = defaultdict(list)
    for row in ratings:
        days[row.recorded_at.date()].append(row.value)
    return ok(
        AnalyticsReport(
            persona_id=persona.id,
            versions=VersionStats(
                count=len(versions),
                current=persona.version,
                first_at=versions[0].created_at if versions else None,
                last_at=versions[-1].created_at if versions else None,
            ),
            ratings=[RatingPoint(rating=row.value, recorded_at=row.recorded_at) for row in ratings],
            ratings_by_day=[
                DailyRatings(day=day, count=len(values), mean_rating=fmean(values))
                for day, values in sorted(days.items())
            ],
            metrics=_metric_stats(metrics),
        )
    )
