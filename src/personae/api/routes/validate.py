"""Platforms and content validation: rules, computed quality metrics, stored results.

- ``GET /api/platforms`` and ``GET /api/platforms/{platform}``: the installed platform
  plugins with their constraints, prompt guidance and strategies.
- ``POST /api/personas/{platform}/validate``: a text against one platform's rules, with
  the platform optimisation quality (and, on request, the text with the safe fixes
  applied).
- ``POST /api/content/validate``: seed 001's quality metrics for a text, all computed by
  :func:`personae.persona.score_content`; with ``persona_id`` (owner-scoped: another
  user's id is a 404) the persona's voice and stated rules are used and the report is
  stored as a ``persona_validation_results`` row.

``/api/personas/{platform}/validate`` sits beside ``/api/personas/{persona_id}/…``: no
persona route ends in ``/validate``, so the two never match the same path (an id in the
platform's place is an unknown platform: 404). This router is registered before the
persona routers all the same, so the fixed ``/validate`` path is tried first.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from personae.api._envelope import Envelope, error_responses, ok
from personae.api._schemas import PLATFORM_PATTERN
from personae.api.deps import CurrentUserDep, PersonaServiceDep, PlatformPath, SettingsDep
from personae.errors import TextTooLargeError
from personae.persona import (
    VALIDATION_TYPE,
    PlatformInfo,
    PlatformReport,
    QualityReport,
    available_platforms,
    get_platform,
)
from personae.store import MAX_INT

__all__ = [
    "VALIDATION_TYPE",
    "ContentValidateRequest",
    "ContentValidation",
    "PlatformValidateRequest",
    "PlatformValidation",
    "router",
]

router = APIRouter(tags=["validation"], responses=error_responses(401, 422, 429, 503))


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL (\\x00) characters")
    return value


PlatformName = Annotated[str, StringConstraints(pattern=PLATFORM_PATTERN)]


class PlatformValidateRequest(BaseModel):
    """A text to check against one platform."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, AfterValidator(_no_nul)] = Field(
        description="The post as it would be published; at most PERSONAE_MAX_TEXT_CHARS."
    )
    fix: bool = Field(
        default=False,
        description="Also return the text with the deterministic fixes of failed rules applied.",
    )


class PlatformValidation(PlatformReport):
    """The platform's verdict on the text, and the fixed text when asked for."""

    fixed_text: str | None = Field(
        default=None, description="The text after the safe fixes (when 'fix' was true)."
    )
    fixed_report: PlatformReport | None = Field(
        default=None, description="The fixed text checked again (when 'fix' was true)."
    )


class ContentValidateRequest(BaseModel):
    """A text to score, optionally as one of the caller's personas and for a platform."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, AfterValidator(_no_nul)] = Field(
        description="The content to score; at most PERSONAE_MAX_TEXT_CHARS characters."
    )
    persona_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_INT,
        description="Score in this persona's voice and store the result (one of yours).",
    )
    platform: PlatformName | None = Field(
        default=None, description="Where the text will be published, e.g. 'linkedin'."
    )


class ContentValidation(BaseModel):
    """The quality report, and the id of the stored row when a persona was named."""

    validation_id: int | None = Field(
        description="The persona_validation_results row (null without persona_id)."
    )
    report: QualityReport


def _check_size(text: str, limit: int) -> None:
    if len(text) > limit:
        raise TextTooLargeError(size=len(text), limit=limit)


@router.get(
    "/api/platforms",
    summary="List the platforms",
    response_model=Envelope[list[PlatformInfo]],
)
def list_platforms(caller: CurrentUserDep) -> Envelope[list[PlatformInfo]]:
    """Every installed platform: constraints with sources, prompt guidance, strategies."""
    return ok([platform.info() for platform in available_platforms()])


@router.get(
    "/api/platforms/{platform}",
    summary="Read one platform",
    response_model=Envelope[PlatformInfo],
    responses=error_responses(404),
)
def read_platform(platform: PlatformPath, caller: CurrentUserDep) -> Envelope[PlatformInfo]:
    """One platform by name or alias (``twitter`` is ``x``); unknown names are a 404."""
    return ok(get_platform(platform).info())


@router.post(
    "/api/personas/{platform}/validate",
    summary="Validate a text for a platform",
    response_model=Envelope[PlatformValidation],
    responses=error_responses(404, 413),
)
def validate_for_platform(
    platform: PlatformPath,
    body: PlatformValidateRequest,
    caller: CurrentUserDep,
    settings: SettingsDep,
) -> Envelope[PlatformValidation]:
    """Every rule of the platform on the text, and the platform optimisation quality.

    Errors are the platform's hard limits (it refuses or cuts the post); warnings its
    published guidance. With ``fix``, the deterministic fixes of the failed rules are
    applied (trim hashtags, cut at a sentence end, remove links …) and the result is
    checked again.
    """
    _check_size(body.text, settings.max_text_chars)
    target = get_platform(platform)
    report = target.report(body.text)
    fixed_text = fixed_report = None
    if body.fix:
        fixed_text = target.apply_fixes(body.text)
        fixed_report = target.report(fixed_text)
    return ok(
        PlatformValidation(**report.model_dump(), fixed_text=fixed_text, fixed_report=fixed_report)
    )


@router.post(
    "/api/content/validate",
    summary="Score content quality",
    response_model=Envelope[ContentValidation],
    responses=error_responses(404, 413),
)
def validate_content(
    body: ContentValidateRequest, caller: CurrentUserDep, service: PersonaServiceDep
) -> Envelope[ContentValidation]:
    """Seed 001's quality metrics, computed, with improvement suggestions.

    Without ``persona_id`` the text is judged on its own (linguistic quality, and
    platform quality with ``platform``). With it, the persona's measured voice gives
    the authenticity score and its stated go-to/avoid words and style rules the
    consistency score, and the report is stored as a validation result of the persona
    (``GET /api/personas/{id}/quality`` lists them).
    """
    scored = service.score_and_record(
        caller.id, body.text, persona_id=body.persona_id, platform=body.platform
    )
    return ok(ContentValidation(validation_id=scored.validation_id, report=scored.report))
