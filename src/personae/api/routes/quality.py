"""Quality, feedback and analytics of a persona: stored rows and computed numbers only.

Nothing here is estimated. Quality is what the store holds (validation results, the
confidence score) and what the measured voice rests on (samples, words). Feedback stores
the rating and, when the user sends the text as they corrected it, adds that text to the
persona's measured voice as a new version. Analytics are counts and series over the
stored rows.
"""

from __future__ import annotations

from statistics import fmean

from fastapi import APIRouter

from personae.api._envelope import Envelope, error_responses, ok
from personae.api._schemas import (
    AnalyticsReport,
    FeedbackRequest,
    FeedbackResult,
    FeedbackStats,
    ProfileStats,
    QualityReport,
    ValidationResultPublic,
)
from personae.api.deps import CurrentUserDep, PersonaIdPath, PersonaServiceDep
from personae.persona import EDIT_MATCH_METRIC, FEEDBACK_ANALYSIS, RATING_METRIC

__all__ = ["EDIT_MATCH_METRIC", "FEEDBACK_ANALYSIS", "RATING_METRIC", "router"]

_VALIDATION_RESULTS_SHOWN = 20

router = APIRouter(
    prefix="/api/personas/{persona_id}",
    tags=["quality"],
    responses=error_responses(401, 404, 422, 429, 503),
)


@router.get("/quality", summary="Quality of a persona", response_model=Envelope[QualityReport])
def quality(
    persona_id: PersonaIdPath, caller: CurrentUserDep, service: PersonaServiceDep
) -> Envelope[QualityReport]:
    """Stored validation results, the confidence score, and what the voice rests on."""
    facts = service.quality_facts(caller.id, persona_id, validations=_VALIDATION_RESULTS_SHOWN)
    profile = facts.profile
    stats = None
    if profile is not None:
        stats = ProfileStats(
            name=profile.name,
            sample_count=profile.sample_count,
            word_count=profile.word_count,
            english_samples=profile.english_samples,
            dimensions=len(profile.dimensions),
        )
    ratings = facts.ratings
    return ok(
        QualityReport(
            persona_id=facts.persona.id,
            version=facts.persona.version,
            confidence_score=facts.persona.confidence_score,
            profile=stats,
            validation_results=[
                ValidationResultPublic.model_validate(row) for row in facts.validation_results
            ],
            feedback=FeedbackStats(
                count=len(ratings), mean_rating=fmean(ratings) if ratings else None
            ),
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
    service: PersonaServiceDep,
) -> Envelope[FeedbackResult]:
    """Record a rating; with ``edited_text``, also learn the voice from the correction.

    The corrected text is measured once: first matched against the voice as it was (the
    ``edit_match_score`` metric, when it has enough words to judge), then added to it, as
    ``StyleProfile.update([edited_text])`` would, and stored as a new version. A persona
    without a voice yet gets one from the text.
    """
    outcome = service.learn_from_feedback(
        caller.id,
        persona_id,
        rating=body.rating,
        comment=body.comment,
        edited_text=body.edited_text,
        version=body.version,
    )
    return ok(
        FeedbackResult(
            feedback_id=outcome.feedback_id,
            rating=body.rating,
            profile_updated=outcome.profile_updated,
            edit_match_score=outcome.edit_match_score,
            persona=outcome.persona,
        )
    )


@router.get(
    "/analytics", summary="Analytics of a persona", response_model=Envelope[AnalyticsReport]
)
def analytics(
    persona_id: PersonaIdPath, caller: CurrentUserDep, service: PersonaServiceDep
) -> Envelope[AnalyticsReport]:
    """Version counts, feedback ratings over time (and per day, UTC), and every metric."""
    return ok(service.analytics(caller.id, persona_id))
