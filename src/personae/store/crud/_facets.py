"""What hangs off a persona: platform personas, analysis and validation results,
metrics, configuration.

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from personae.errors import NotFoundError
from personae.store._models import (
    PersonaAnalysisResult,
    PersonaConfiguration,
    PersonaMetric,
    PersonaValidationResult,
    PlatformPersona,
    utcnow,
)
from personae.store.crud._common import _audit
from personae.store.crud._personas import get_persona

# -- persona facets -------------------------------------------------------------------


def upsert_platform_persona(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    platform: str,
    platform_specific_data: dict[str, Any] | None = None,
    optimization_strategies: dict[str, Any] | None = None,
    quality_metrics: dict[str, Any] | None = None,
    actor_id: int | None = None,
) -> PlatformPersona:
    """Create or replace the persona's adaptation to ``platform`` (fields given replace)."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = session.scalar(
        select(PlatformPersona).where(
            PlatformPersona.persona_id == persona_id, PlatformPersona.platform == platform
        )
    )
    if row is None:
        row = PlatformPersona(persona_id=persona_id, platform=platform)
        session.add(row)
    if platform_specific_data is not None:
        row.platform_specific_data = platform_specific_data
    if optimization_strategies is not None:
        row.optimization_strategies = optimization_strategies
    if quality_metrics is not None:
        row.quality_metrics = quality_metrics
    row.updated_at = utcnow()
    session.flush()
    _audit(
        session,
        actor_id=owner_id if actor_id is None else actor_id,
        action="upsert",
        entity="platform_persona",
        entity_id=row.id,
        details={"persona_id": persona_id, "platform": platform},
    )
    session.flush()
    return row


def get_platform_persona(
    *, session: Session, owner_id: int, persona_id: int, platform: str
) -> PlatformPersona:
    """The owner's persona adapted to ``platform``.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    NotFoundError
        The persona has no adaptation to this platform.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = session.scalar(
        select(PlatformPersona).where(
            PlatformPersona.persona_id == persona_id, PlatformPersona.platform == platform
        )
    )
    if row is None:
        raise NotFoundError(
            f"persona {persona_id} has no {platform!r} adaptation",
            persona_id=persona_id,
            platform=platform,
        )
    return row


def list_platform_personas(
    *, session: Session, owner_id: int, persona_id: int
) -> list[PlatformPersona]:
    """The persona's platform adaptations, by platform name."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = (
        select(PlatformPersona)
        .where(PlatformPersona.persona_id == persona_id)
        .order_by(PlatformPersona.platform)
    )
    return list(session.scalars(query))


def list_validation_results(
    *, session: Session, owner_id: int, persona_id: int, limit: int = 100
) -> list[PersonaValidationResult]:
    """The persona's latest quality checks, newest first (at most ``limit``)."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = (
        select(PersonaValidationResult)
        .where(PersonaValidationResult.persona_id == persona_id)
        .order_by(PersonaValidationResult.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


_Row = TypeVar("_Row", PersonaAnalysisResult, PersonaMetric)


def _newest_in_order(
    session: Session, query: Select[_Row], key: InstrumentedAttribute[int], limit: int
) -> list[_Row]:
    """The newest ``limit`` rows of ``query`` by ``key``, returned oldest first."""
    return list(session.scalars(query.order_by(key.desc()).limit(limit)))[::-1]


def list_analysis_results(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    analysis_type: str | None = None,
    limit: int = 1000,
) -> list[PersonaAnalysisResult]:
    """The persona's analysis results (of one type, if given), oldest first.

    With more than ``limit`` results, the newest ``limit`` are returned.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = select(PersonaAnalysisResult).where(PersonaAnalysisResult.persona_id == persona_id)
    if analysis_type is not None:
        query = query.where(PersonaAnalysisResult.analysis_type == analysis_type)
    return _newest_in_order(session, query, PersonaAnalysisResult.id, limit)


def list_metrics(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    metric: str | None = None,
    limit: int = 10_000,
) -> list[PersonaMetric]:
    """The persona's measurements (of one metric, if given), oldest first.

    With more than ``limit`` rows, the newest ``limit`` are returned.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = select(PersonaMetric).where(PersonaMetric.persona_id == persona_id)
    if metric is not None:
        query = query.where(PersonaMetric.metric == metric)
    return _newest_in_order(session, query, PersonaMetric.id, limit)


def add_analysis_result(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    analysis_type: str,
    results: dict[str, Any],
    processing_time_ms: int | None = None,
    actor_id: int | None = None,
) -> PersonaAnalysisResult:
    """Record the outcome of one analysis of the persona."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = PersonaAnalysisResult(
        persona_id=persona_id,
        analysis_type=analysis_type,
        results=results,
        processing_time_ms=processing_time_ms,
    )
    return _add_facet(session, row, owner_id, actor_id, "analysis_result", persona_id)


def add_validation_result(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    validation_status: str,
    metrics: dict[str, Any],
    actor_id: int | None = None,
) -> PersonaValidationResult:
    """Record a quality check of the persona."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = PersonaValidationResult(
        persona_id=persona_id, validation_status=validation_status, metrics=metrics
    )
    return _add_facet(session, row, owner_id, actor_id, "validation_result", persona_id)


def record_metric(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    metric: str,
    value: float,
    actor_id: int | None = None,
) -> PersonaMetric:
    """Append one measurement to the persona's ``metric`` time series."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = PersonaMetric(persona_id=persona_id, metric=metric, value=value)
    return _add_facet(session, row, owner_id, actor_id, "metric", persona_id)


_Facet = TypeVar("_Facet", PersonaAnalysisResult, PersonaValidationResult, PersonaMetric)


def _add_facet(
    session: Session, row: _Facet, owner_id: int, actor_id: int | None, entity: str, persona_id: int
) -> _Facet:
    session.add(row)
    session.flush()
    _audit(
        session,
        actor_id=owner_id if actor_id is None else actor_id,
        action="create",
        entity=entity,
        entity_id=row.id,
        details={"persona_id": persona_id},
    )
    session.flush()
    return row


def set_configuration(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    key: str,
    value: Any,
    actor_id: int | None = None,
) -> PersonaConfiguration:
    """Set the persona's configuration ``key`` to a JSON value (replacing any old one)."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = session.scalar(
        select(PersonaConfiguration).where(
            PersonaConfiguration.persona_id == persona_id, PersonaConfiguration.key == key
        )
    )
    if row is None:
        row = PersonaConfiguration(persona_id=persona_id, key=key, value=value)
        session.add(row)
    else:
        row.value = value
    session.flush()
    _audit(
        session,
        actor_id=owner_id if actor_id is None else actor_id,
        action="set",
        entity="persona_configuration",
        entity_id=row.id,
        details={"persona_id": persona_id, "key": key},
    )
    session.flush()
    return row
