"""Measuring voices over HTTP: analyse a text, match a text against a persona's voice,
and ask whether a text is in a persona's voice (the open-set question, no rivals named).

Texts are capped by ``PERSONAE_MAX_TEXT_CHARS`` (and every body by
``PERSONAE_MAX_REQUEST_BYTES``); texts personae cannot measure (empty, binary, too short
to judge) are 422s with the style core's own message.
"""

from __future__ import annotations

from fastapi import APIRouter

from personae.api._envelope import Envelope, error_responses, ok
from personae.api._schemas import AnalyzeRequest, MatchRequest, VerifyRequest
from personae.api.deps import CurrentUserDep, PersonaIdPath, PersonaServiceDep, SettingsDep
from personae.errors import TextTooLargeError
from personae.style import Fingerprint, Match, VerificationResult, analyze

__all__ = ["router"]

router = APIRouter(
    prefix="/api",
    tags=["style"],
    responses=error_responses(401, 413, 422, 429, 503),
)


def _check_size(text: str, limit: int) -> None:
    if len(text) > limit:
        raise TextTooLargeError(size=len(text), limit=limit)


@router.post("/style/analyze", summary="Measure a text", response_model=Envelope[Fingerprint])
def analyze_text(
    body: AnalyzeRequest, caller: CurrentUserDep, settings: SettingsDep
) -> Envelope[Fingerprint]:
    """The linguistic fingerprint of one text (``personae.style.analyze``)."""
    _check_size(body.text, settings.max_text_chars)
    return ok(analyze(body.text, max_chars=settings.max_text_chars))


@router.post(
    "/personas/{persona_id}/match",
    summary="Match a text against a persona's voice",
    response_model=Envelope[Match],
    responses=error_responses(404),
)
def match_text(
    persona_id: PersonaIdPath,
    body: MatchRequest,
    caller: CurrentUserDep,
    service: PersonaServiceDep,
) -> Envelope[Match]:
    """How typical the text is of the voice, what deviates and what to change.

    With ``against`` (ids of your other personas), the score also weighs whether this
    voice explains the text better than those rivals (``StyleProfile.match(text,
    against=…)``).
    """
    return ok(service.match(caller.id, persona_id, body.text, against=body.against))


@router.post(
    "/personas/{persona_id}/verify",
    summary="Is a text in a persona's voice?",
    response_model=Envelope[VerificationResult],
    responses=error_responses(404),
)
def verify_text(
    persona_id: PersonaIdPath,
    body: VerifyRequest,
    caller: CurrentUserDep,
    service: PersonaServiceDep,
) -> Envelope[VerificationResult]:
    """The probability, calibrated at even odds, that the persona's voice wrote the text,
    with no rivals named: the voice is set against the bundled background writers nearest
    it and your other personas (``personae.style.verify``). Use it where ``match``'s share
    has nothing to share among: one candidate voice.
    """
    return ok(service.verify(caller.id, persona_id, body.text))
