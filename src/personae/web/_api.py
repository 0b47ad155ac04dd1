"""The studio's thin JSON routes, under ``/api/studio``: data the API had no route for.

Each is a shell over an existing service, with the API's authentication, owner scoping,
limits and error envelope; nothing here measures or decides anything new.

- ``GET /api/studio/personas/{persona_id}/voice``: the measured voice as the persona page
  draws it: ``StyleProfile.describe()`` (every dimension's mean and spread over the
  samples), the sentence-length distribution (``sentence_length_histogram``) and the
  function-word rates, next to the same figures of the owner's other measured personas.
- ``POST /api/studio/engagement?creator_id=…&format=csv|json``: an engagement export
  file as the request body, read by ``parse_engagement_file`` and stored by
  ``StrategyService.import_engagement`` (what ``personae engagement import`` does), so
  the browser uploads the file as it is and never parses CSV itself.
- ``POST /api/studio/personas/{persona_id}/marks``: where in a draft the voice's biggest
  deviations are (the sentences longer than the voice writes them, the contractions it
  would or would not use), as character spans:
  :meth:`~personae.persona.PersonaService.voice_marks`.
- ``GET /api/studio/strategy/{creator_id}/current``: the creator's latest recommendation,
  or ``null`` when none was made yet (``StrategyService.current``; the API's own route
  answers 404 then, which a browser reports as an error in its console on every visit to
  the strategy page of a new persona).
- ``GET /api/studio/universe``: every measured persona of the owner placed in 2-D by
  voice (the first two principal components of their standardised dimension means), and
  for each its nearest voices.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, StringConstraints

from personae.api._body import RawBody, request_body
from personae.api._envelope import Envelope, error_responses, ok
from personae.api.deps import (
    CurrentUserDep,
    LiveUserDep,
    PersonaIdPath,
    PersonaServiceDep,
    StrategyServiceDep,
)
from personae.errors import BinaryInputError, InputError, ProfileError, StrategyNotFoundError
from personae.persona import PersonaService, VoiceMark, voice_profile
from personae.store import MAX_INT, PersonaPublic
from personae.strategy import ImportReport, Recommendation, parse_engagement_file
from personae.style import FUNCTION_WORDS, Dimension, SentenceLengthBin, StyleProfile

__all__ = ["router"]

router = APIRouter(
    prefix="/api/studio", tags=["studio"], responses=error_responses(401, 404, 422, 429, 503)
)

TOP_FUNCTION_WORDS = 15
"""Function words the voice chart shows: the persona's most used."""

MAX_PERSONAS = 200
"""Most personas the comparison and the universe read."""


class VoiceOf(BaseModel):
    """One persona's measured voice, in the figures the charts draw."""

    id: int
    name: str
    role: str
    samples: int
    words: int
    dimensions: list[Dimension]
    function_words: dict[str, float]  # per 1,000 words
    sentence_lengths: list[SentenceLengthBin]  # the distribution, not only mean and spread


class VoicePage(BaseModel):
    """The persona's voice, and the owner's other measured voices to compare it with."""

    voice: VoiceOf
    confidence: float | None
    others: list[VoiceOf]


class MarksRequest(BaseModel):
    """The draft to mark up."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(min_length=1)]


class UniversePoint(BaseModel):
    """A persona on the map: where it sits and which voices are nearest."""

    id: int
    name: str
    role: str
    x: float
    y: float
    nearest: list[dict[str, Any]]


class Universe(BaseModel):
    """The owner's measured personas on a plane; ``unmeasured`` have no voice yet."""

    points: list[UniversePoint]
    explained: list[float]
    unmeasured: list[str]


def _profile(persona: PersonaPublic) -> StyleProfile | None:
    return voice_profile(persona) if persona.linguistic_fingerprint else None


def _measured_voice(persona: PersonaPublic) -> StyleProfile:
    """The persona's voice, or the API's 422 when it has none yet."""
    profile = _profile(persona)
    if profile is None:
        raise ProfileError(
            f"persona {persona.id} has no measured voice yet: create it from writing samples "
            "or send feedback with an edited text",
            persona_id=persona.id,
        )
    return profile


def _voice(persona: PersonaPublic, profile: StyleProfile) -> VoiceOf:
    stats = profile.function_words
    rates = {
        word: 1000.0 * count / stats.total_words
        for word, count in zip(FUNCTION_WORDS, stats.counts, strict=True)
        if stats.total_words and count
    }
    return VoiceOf(
        id=persona.id,
        name=persona.display_name or persona.name,
        role=persona.role,
        samples=profile.sample_count,
        words=profile.word_count,
        dimensions=profile.describe(),
        function_words=rates,
        sentence_lengths=profile.sentence_length_histogram,
    )


def _measured(
    service: PersonaService, owner_id: int
) -> list[tuple[PersonaPublic, StyleProfile | None]]:
    rows = service.page(owner_id, offset=0, limit=MAX_PERSONAS).items
    return [(public, _profile(public)) for public in map(PersonaPublic.model_validate, rows)]


@router.get(
    "/personas/{persona_id}/voice",
    summary="A persona's measured voice, with your other voices to compare",
    response_model=Envelope[VoicePage],
)
def voice(
    persona_id: PersonaIdPath, caller: CurrentUserDep, service: PersonaServiceDep
) -> Envelope[Any]:
    """The persona's dimensions (mean and spread over its samples) and function-word rates
    per 1,000 words (its most used ones), and the same for your other measured personas.
    A persona without a measured voice is a 422 ``profile_error``."""
    persona = service.read(caller.id, persona_id)
    mine = _voice(persona, _measured_voice(persona))
    top = sorted(mine.function_words, key=lambda w: -mine.function_words[w])[:TOP_FUNCTION_WORDS]
    mine = mine.model_copy(update={"function_words": {w: mine.function_words[w] for w in top}})
    others = []
    for row, profile in _measured(service, caller.id):
        if row.id == persona.id or profile is None:
            continue
        other = _voice(row, profile)
        rates = {w: other.function_words.get(w, 0.0) for w in top}
        others.append(other.model_copy(update={"function_words": rates}))
    return ok(VoicePage(voice=mine, confidence=persona.confidence_score, others=others))


@router.post(
    "/engagement",
    summary="Import an engagement file (CSV or JSON) as it is",
    response_model=Envelope[ImportReport],
    openapi_extra=request_body(
        "The export file: a CSV with a header line, or a JSON array of events.",
        {"text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {}}},
    ),
)
def import_engagement_file(
    body: RawBody,
    caller: LiveUserDep,
    strategies: StrategyServiceDep,
    creator_id: Annotated[int, Query(ge=1, le=MAX_INT, description="The persona.")],
    fmt: Annotated[Literal["csv", "json"], Query(alias="format")] = "csv",
) -> Envelope[ImportReport]:
    """Row by row, as ``personae engagement import``: bad rows are listed in ``rejected``
    with their line, good rows are stored, and the same file again changes nothing."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BinaryInputError("the file is not UTF-8 text: export it as CSV or JSON") from exc
    if not text.strip():
        raise InputError("the file is empty: it needs a header line and one row per event")
    rows = list(parse_engagement_file(text, fmt=fmt))
    with strategies.open(caller.id) as service:
        return ok(service.import_engagement(creator_id, rows))


@router.get(
    "/strategy/{creator_id}/current",
    summary="The creator's latest recommendation, or null",
    response_model=Envelope[Recommendation | None],
    responses=error_responses(404),
)
def current_strategy(
    creator_id: Annotated[int, PathParam(ge=1, le=MAX_INT, description="The persona.")],
    caller: CurrentUserDep,
    strategies: StrategyServiceDep,
) -> Envelope[Recommendation | None]:
    """As ``GET /api/v1/strategy/{creator_id}/current``, but "none yet" is a ``null``, not
    an error: the strategy page of a new persona is not a failure. An unknown or another
    owner's persona is still a 404."""
    with strategies.open(caller.id) as service:
        try:
            return ok(service.current(creator_id))
        except StrategyNotFoundError:
            return ok(None)


@router.post(
    "/personas/{persona_id}/marks",
    summary="Where a draft strays from the voice",
    response_model=Envelope[list[VoiceMark]],
    responses=error_responses(413),
)
def marks(
    persona_id: PersonaIdPath,
    body: MarksRequest,
    caller: CurrentUserDep,
    service: PersonaServiceDep,
) -> Envelope[list[VoiceMark]]:
    """Character spans of the draft behind its largest deviations (a sentence much longer
    or shorter than the voice's, a contraction the voice would make or spell out), each
    with a message for the writer. Texts too short to judge are a 422, as for ``match``."""
    return ok(service.voice_marks(caller.id, persona_id, body.text))


def _nearest(
    ids: list[int], names: list[str], distances: np.ndarray, i: int
) -> list[dict[str, Any]]:
    order = [j for j in np.argsort(distances[i]) if j != i][:3]
    return [{"id": ids[j], "name": names[j], "distance": float(distances[i, j])} for j in order]


@router.get("/universe", summary="Your personas placed by voice", response_model=Envelope[Universe])
def universe(caller: CurrentUserDep, service: PersonaServiceDep) -> Envelope[Universe]:
    """Each measured persona is the vector of its dimension means, standardised across your
    personas; the plane is their first two principal components (``explained``: the share
    of the spread each keeps), and ``nearest`` lists the closest voices in the full space."""
    rows = _measured(service, caller.id)
    measured = [(row, profile) for row, profile in rows if profile is not None]
    unmeasured = [row.display_name or row.name for row, profile in rows if profile is None]
    if not measured:
        return ok(Universe(points=[], explained=[], unmeasured=unmeasured))
    keys = sorted({d.key for _, p in measured for d in p.describe()})
    matrix = np.array(
        [[{d.key: d.value for d in p.describe()}.get(k, 0.0) for k in keys] for _, p in measured]
    )
    spread = matrix.std(axis=0)
    z = (matrix - matrix.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    u, s, _ = np.linalg.svd(z, full_matrices=False)
    coords = np.zeros((len(measured), 2))
    width = min(2, s.size)
    coords[:, :width] = u[:, :width] * s[:width]
    coords = np.round(coords, 3) + 0.0  # a component of rounding noise reads as exactly 0
    total = float((s**2).sum())
    explained = [float(v**2 / total) if total else 0.0 for v in s[:2]]
    distances = np.linalg.norm(z[:, None, :] - z[None, :, :], axis=2)
    ids = [row.id for row, _ in measured]
    names = [row.display_name or row.name for row, _ in measured]
    points = [
        UniversePoint(
            id=row.id,
            name=names[i],
            role=row.role,
            x=float(coords[i, 0]),
            y=float(coords[i, 1]),
            nearest=_nearest(ids, names, distances, i),
        )
        for i, (row, _) in enumerate(measured)
    ]
    return ok(Universe(points=points, explained=explained, unmeasured=unmeasured))
