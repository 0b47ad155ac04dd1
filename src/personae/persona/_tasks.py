"""Background-job entry points of the persona service (see :mod:`personae.jobs`)."""

from __future__ import annotations

from typing import Any

from personae.jobs import JobContext
from personae.llm import LLM
from personae.persona._generate import PersonaGenerationRequest
from personae.persona._service import PersonaService

__all__ = ["generate_persona_task", "service_for_job"]


def service_for_job(ctx: JobContext) -> PersonaService:
    """A service on the job's database, with the model the job asked for (``params.llm``)."""

    def llm_for(owner_id: int, purpose: str) -> LLM:
        return ctx.llm(purpose)

    return PersonaService(ctx.database, llm_for, max_text_chars=ctx.settings.max_text_chars)


def generate_persona_task(ctx: JobContext) -> dict[str, Any]:
    """``persona.generate``: params are a :class:`PersonaGenerationRequest` (+ ``llm``)."""
    request = PersonaGenerationRequest.model_validate(ctx.params["request"])
    persona, generated = service_for_job(ctx).generate(
        ctx.owner_id, request, on_progress=ctx.progress
    )
    return {
        "persona_id": persona.id,
        "persona_name": persona.display_name,
        "archetype": persona.archetype,
        "confidence_score": persona.confidence_score,
        "confidence": generated.confidence,
        "timings_ms": generated.timings_ms,
    }
