"""Writing with the LLM: persona generation (a job), drafts, content, platform adaptation.

- ``POST /api/personas/generate``: 202 with a job id; the job measures the samples, asks
  the model for the persona's identity, tones and rules, and stores the persona.
  ``GET /api/jobs/{job_id}`` shows its progress and, at the end, the persona's id.
- ``POST /api/personas/generate/samples``: three short drafts from onboarding answers,
  for writers without samples; send the one that sounds right as ``writing_samples``.
- ``POST /api/content/generate``: a text in a persona's voice for a platform, through the
  optimize loop (score trace included), or streamed as server-sent events.
- ``POST /api/personas/{persona_id}/platform/{platform}/optimize``: compute and store the
  persona's adaptation to a platform (read it with ``GET …/platform/{platform}``).

The model is ``PERSONAE_LLM`` unless the request names another (``llm``: ``local``,
``openai:gpt-4o-mini`` …). Every call is cached and accounted for the caller.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from personae.api._cache import persona_prefix
from personae.api._envelope import Envelope, error_responses, ok
from personae.api._schemas import PLATFORM_PATTERN, RequestLLMSpec
from personae.api._state import AppState
from personae.api.deps import (
    CurrentUserDep,
    LiveUserDep,
    PersonaIdPath,
    PlatformPath,
    StateDep,
)
from personae.api.routes.content import content_service
from personae.content import Allocation
from personae.errors import InputError, PersonaeError
from personae.jobs import submit_job
from personae.persona import (
    PersonaService,
    QualityReport,
    build_persona_service,
    score_content,
)
from personae.persona._content import MAX_BRIEF_CHARS
from personae.persona._generate import (
    OnboardingData,
    PersonaGenerationRequest,
    SampleDrafts,
    require_samples,
)
from personae.persona._optimize import OptimizeResult, failures
from personae.store import MAX_INT
from personae.style import StyleProfile

__all__ = ["jobs_router", "router"]

router = APIRouter(tags=["generation"], responses=error_responses(401, 422, 429, 503))
jobs_router = APIRouter(
    prefix="/api/jobs", tags=["jobs"], responses=error_responses(401, 422, 429, 503)
)

LLMSpec = RequestLLMSpec


def _service(state: AppState, spec: str | None) -> PersonaService:
    return build_persona_service(
        state.settings, database=state.database, models=state.llm_for, spec=spec
    )


# -- persona generation -------------------------------------------------------------------


class GenerateRequest(PersonaGenerationRequest):
    """Seed 001's generation request: onboarding answers and the writer's own samples."""

    llm: LLMSpec | None = None


class JobAccepted(BaseModel):
    """A job was queued; poll ``status_url``."""

    job_id: str
    status: str
    status_url: str


class JobView(BaseModel):
    """A background job as its owner sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    status: Literal["queued", "running", "succeeded", "failed"]
    progress: float
    message: str
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    created_at: Any
    updated_at: Any


@router.post(
    "/api/personas/generate",
    status_code=202,
    summary="Generate a persona (a background job)",
    response_model=Envelope[JobAccepted],
    responses=error_responses(409, 413),
)
def generate(body: GenerateRequest, caller: LiveUserDep, state: StateDep) -> Envelope[JobAccepted]:
    """Queue persona generation; answers 202 with the job to poll.

    What can be checked at once is checked before queueing (no samples, a name you
    already use, an unknown model), so a job fails only on what needs the model.
    """
    require_samples(body.writing_samples)
    _service(state, body.llm).check_name_free(caller.id, body.name)
    state.llm_for(caller.id, "persona.generate", body.llm)  # an unknown model fails now
    job_id = submit_job(
        state.database,
        state.jobs,
        owner_id=caller.id,
        kind="persona.generate",
        params={"request": body.model_dump(mode="json", exclude={"llm"}), "llm": body.llm},
    )
    return ok(JobAccepted(job_id=job_id, status="queued", status_url=f"/api/jobs/{job_id}"))


class DraftRequest(BaseModel):
    """Onboarding answers to draft sample texts from."""

    model_config = ConfigDict(extra="forbid")

    onboarding: OnboardingData
    llm: LLMSpec | None = None


@router.post(
    "/api/personas/generate/samples",
    summary="Draft three sample texts from onboarding answers",
    response_model=Envelope[SampleDrafts],
)
def draft_samples(
    body: DraftRequest, caller: CurrentUserDep, state: StateDep
) -> Envelope[SampleDrafts]:
    """For writers without samples: pick the draft that sounds like you and send it as
    ``writing_samples`` to ``POST /api/personas/generate``."""
    return ok(_service(state, body.llm).draft_samples(caller.id, body.onboarding))


@jobs_router.get(
    "/{job_id}",
    summary="A background job's progress",
    response_model=Envelope[JobView],
    responses=error_responses(404),
)
def read_job(
    job_id: Annotated[str, StringConstraints(max_length=36)],
    caller: CurrentUserDep,
    state: StateDep,
) -> Envelope[JobView]:
    """Status, progress (0..1), what it is doing, and its result or error at the end."""
    return ok(JobView.model_validate(_service(state, None).job(caller.id, job_id)))


@jobs_router.get("", summary="Your recent jobs", response_model=Envelope[list[JobView]])
def list_jobs(
    caller: CurrentUserDep,
    state: StateDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Envelope[list[JobView]]:
    """Newest first."""
    jobs = _service(state, None).jobs(caller.id, limit=limit)
    return ok([JobView.model_validate(job) for job in jobs])


# -- content --------------------------------------------------------------------------------


class ContentRequest(BaseModel):
    """What to write, as whom, where; and how hard to try."""

    model_config = ConfigDict(extra="forbid")

    persona_id: Annotated[int, Field(ge=1, le=MAX_INT)]
    platform: Annotated[str, StringConstraints(pattern=PLATFORM_PATTERN)]
    brief: Annotated[str, StringConstraints(min_length=1, max_length=MAX_BRIEF_CHARS)]
    stream: bool = Field(
        default=False,
        description="Stream one draft's tokens as server-sent events (no optimize loop).",
    )
    candidates: Annotated[int, Field(ge=1, le=8)] = 2
    max_rounds: Annotated[int, Field(ge=1, le=6)] = 3
    threshold: Annotated[float, Field(ge=0.0, le=1.0)] = 0.8
    max_tokens: Annotated[int, Field(ge=16, le=4096)] = 400
    against: list[Annotated[int, Field(ge=1, le=MAX_INT)]] = Field(
        default_factory=list,
        max_length=20,
        description=(
            "Your other personas the text must not sound like (authenticity rivals); "
            "empty: all your other personas with a measured voice."
        ),
    )
    llm: LLMSpec | None = None
    save: bool = Field(
        default=True, description="Keep the text in your content library as a draft piece."
    )
    episode_id: Annotated[int, Field(ge=1, le=MAX_INT)] | None = Field(
        default=None, description="The strategy decision (its content brief) the text follows."
    )
    experiment_id: Annotated[int, Field(ge=1, le=MAX_INT)] | None = Field(
        default=None,
        description=(
            "An A/B test of this persona and platform: the text is written as the variant's "
            "persona version and kept as that variant's piece."
        ),
    )
    variant: Annotated[str, StringConstraints(min_length=1, max_length=50)] | None = Field(
        default=None,
        description="The variant /allocate chose (unset: one is allocated for this text).",
    )


def _allocation(state: AppState, owner_id: int, body: ContentRequest) -> Allocation | None:
    """The A/B test's variant this text is written for (``None``: not a test's)."""
    if body.experiment_id is None:
        if body.variant is not None:
            raise InputError("a variant belongs to an experiment: send experiment_id")
        return None
    if not body.save:
        raise InputError("a text written for an experiment is kept (save: true)", field="save")
    return content_service(state).writer(
        owner_id,
        body.experiment_id,
        persona_id=body.persona_id,
        platform=body.platform,
        variant=body.variant,
    )


def _rivals(state: AppState, owner_id: int, body: ContentRequest) -> list[StyleProfile]:
    """The measured voices of the caller's personas ``against`` (owner-scoped: 404
    otherwise), or of all their other personas when it is empty."""
    service = _service(state, None)
    if not body.against:
        return service.other_voices(owner_id, body.persona_id)
    return service.rival_profiles(owner_id, body.against)


def _keep(
    state: AppState,
    owner_id: int,
    body: ContentRequest,
    text: str,
    report: dict[str, Any],
    allocation: Allocation | None = None,
) -> int:
    """Keep the text in the content library (``save``, the default): nothing is lost."""
    return content_service(state).keep_written(
        owner_id,
        body.persona_id,
        body.platform,
        body.brief,
        text,
        report=report,
        source="api",
        episode_id=body.episode_id,
        allocation=allocation,
    )


def _sse(event: str, data: object) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


@router.post(
    "/api/content/generate",
    summary="Write in a persona's voice for a platform",
    response_model=Envelope[OptimizeResult],
    responses={
        **error_responses(404, 413),
        200: {
            "content": {
                "text/event-stream": {
                    "description": "With stream=true: 'token' events ({text}), then one "
                    "'done' event ({text, report}) or an 'error' event ({code, message})."
                }
            }
        },
    },
)
async def generate_content(
    body: ContentRequest, caller: CurrentUserDep, state: StateDep
) -> Response:
    """The optimize loop (default): drafts, computed scores, revisions, the best text and
    its score trace; the final score is stored as a validation result. With
    ``stream=true``: one draft, streamed as it is written, scored at the end."""
    service = _service(state, body.llm)
    rivals = await run_in_threadpool(_rivals, state, caller.id, body)
    allocation = await run_in_threadpool(_allocation, state, caller.id, body)
    version = allocation.persona_version if allocation is not None else None
    if not body.stream:
        result = await run_in_threadpool(
            service.write,
            caller.id,
            body.persona_id,
            body.platform,
            body.brief,
            candidates=body.candidates,
            max_rounds=body.max_rounds,
            threshold=body.threshold,
            max_tokens=body.max_tokens,
            rivals=rivals,
            version=version,
        )
        if body.save:
            report = result.report.model_dump(mode="json")
            keep = partial(_keep, state, caller.id, body, result.text, report, allocation)
            result.piece_id = await run_in_threadpool(keep)
        return Response(ok(result).model_dump_json().encode(), media_type="application/json")
    voice = await run_in_threadpool(
        partial(service.voice, caller.id, body.persona_id, body.platform, version=version)
    )
    tokens = service.stream(caller.id, voice, body.brief, max_tokens=body.max_tokens)

    async def events() -> AsyncIterator[bytes]:
        parts: list[str] = []
        try:
            async for token in tokens:
                parts.append(token)
                yield _sse("token", {"text": token})
            text = voice.platform.apply_fixes("".join(parts).strip())
            report: QualityReport = await run_in_threadpool(
                score_content,
                text,
                profile=voice.profile,
                platform=voice.platform,
                constraints=voice.rules,
                rivals=rivals,
            )
            checks = await run_in_threadpool(service.check_written, voice, text, body.brief)
            passed = not failures(report, checks, body.threshold)
            payload = report.model_dump(mode="json")
            await run_in_threadpool(
                partial(
                    service.record_score,
                    caller.id,
                    voice,
                    payload,
                    source="stream",
                    passed=passed,
                    checks=checks.model_dump(mode="json"),
                )
            )
            kept = partial(_keep, state, caller.id, body, text, payload, allocation)
            piece_id = await run_in_threadpool(kept) if body.save else None
            yield _sse(
                "done",
                {
                    "text": text,
                    "report": payload,
                    "checks": checks.model_dump(mode="json"),
                    "passed": passed,
                    "truncated": tokens.truncated,
                    "limit": tokens.limit,
                    "piece_id": piece_id,
                },
            )
        except PersonaeError as exc:
            yield _sse("error", {"code": exc.code, "message": exc.message})

    return StreamingResponse(events(), media_type="text/event-stream")


# -- platform adaptation ------------------------------------------------------------------


@router.post(
    "/api/personas/{persona_id}/platform/{platform}/optimize",
    summary="Adapt a persona to a platform",
    response_model=Envelope[dict[str, Any]],
    responses=error_responses(404),
)
def optimize_platform(
    persona_id: PersonaIdPath,
    platform: PlatformPath,
    caller: CurrentUserDep,
    state: StateDep,
) -> Envelope[dict[str, Any]]:
    """Compute the persona's platform adaptation (limits, guidance, its measured rules
    reconciled with them, strategies) and store it; no model is used."""
    adapted = _service(state, None).adapt_to_platform(caller.id, persona_id, platform)
    # The service committed; drop the cached adaptation before answering.
    state.cache.invalidate_prefix(persona_prefix(caller.id, persona_id))
    return ok(adapted)
