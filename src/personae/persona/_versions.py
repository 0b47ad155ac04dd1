"""The persona service's record-keeping use cases: list, update and delete personas, and
their history (versions, diff, rollback, labels). Each is one unit of work; a change is
reported through the service's ``on_change`` hook after its commit, so callers never
invalidate a cache by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from personae.persona._insights import PersonaChanged
from personae.store import (
    Database,
    Job,
    Persona,
    PersonaDiff,
    PersonaPublic,
    PersonaUpdate,
    PersonaVersion,
    PersonaVersionPublic,
    PlatformPersona,
    crud,
    session_scope,
)

__all__ = ["PersonaPage", "Records"]


@dataclass(frozen=True, slots=True)
class PersonaPage:
    """One page of an owner's personas (rows, read in one unit of work) and how many
    there are in all."""

    items: list[Persona]
    total: int
    offset: int
    limit: int


class Records:
    """Personas and their history (mixed into :class:`~personae.persona.PersonaService`,
    which provides the database and the change hook). Another owner's persona is not
    found, exactly as a missing one."""

    _database: Database
    _on_change: PersonaChanged | None

    def _changed(self, owner_id: int, persona_id: int) -> None:
        if self._on_change is not None:
            self._on_change(owner_id, persona_id)

    def page(
        self,
        owner_id: int,
        *,
        offset: int = 0,
        limit: int = 50,
        active_only: bool = False,
        brief: bool = False,
    ) -> PersonaPage:
        """One page of the owner's personas, by name; ``brief``: only what a list shows (no
        long texts, no fingerprint: reading one of those on such a row raises)."""
        with session_scope(self._database) as session:
            rows = crud.list_personas(
                session=session,
                owner_id=owner_id,
                offset=offset,
                limit=limit,
                active_only=active_only,
                brief=brief,
            )
            total = crud.count_personas(session=session, owner_id=owner_id, active_only=active_only)
            return PersonaPage(
                items=rows,
                total=total,
                offset=offset,
                limit=limit,
            )

    def read(self, owner_id: int, persona_id: int) -> PersonaPublic:
        """One of the owner's personas (the API serves it through its read cache)."""
        with session_scope(self._database) as session:
            persona = crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
            return PersonaPublic.model_validate(persona)

    def update(self, owner_id: int, persona_id: int, update: PersonaUpdate) -> PersonaPublic:
        """Change the fields sent (``update.version`` is the version read; a persona changed
        since is a :class:`~personae.errors.VersionConflictError` and nothing is written)."""
        with session_scope(self._database) as session:
            persona = crud.update_persona(
                session=session, owner_id=owner_id, persona_id=persona_id, update=update
            )
            public = PersonaPublic.model_validate(persona)
        self._changed(owner_id, persona_id)
        return public

    def delete(
        self, owner_id: int, persona_id: int, *, expected_version: int | None = None
    ) -> None:
        """Delete a persona with its history, labels and facets (only if still at
        ``expected_version`` when given)."""
        with session_scope(self._database) as session:
            crud.delete_persona(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                expected_version=expected_version,
            )
        self._changed(owner_id, persona_id)

    def versions(self, owner_id: int, persona_id: int) -> list[PersonaVersion]:
        """Every version of the persona, oldest first."""
        with session_scope(self._database) as session:
            return crud.history(session=session, owner_id=owner_id, persona_id=persona_id)

    def version(self, owner_id: int, persona_id: int, version: int) -> PersonaVersionPublic:
        """One version with its full snapshot, author and message."""
        with session_scope(self._database) as session:
            row = crud.get_version(
                session=session, owner_id=owner_id, persona_id=persona_id, version=version
            )
            return PersonaVersionPublic.model_validate(row)

    def diff(
        self, owner_id: int, persona_id: int, *, from_version: int, to_version: int
    ) -> PersonaDiff:
        """The fields that differ between two versions, in field order."""
        with session_scope(self._database) as session:
            return crud.diff(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                from_version=from_version,
                to_version=to_version,
            )

    def rollback(
        self,
        owner_id: int,
        persona_id: int,
        *,
        to_version: int,
        expected_version: int,
        message: str | None = None,
    ) -> PersonaPublic:
        """A new version equal to ``to_version``; history is never rewritten."""
        with session_scope(self._database) as session:
            persona = crud.rollback(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                to_version=to_version,
                expected_version=expected_version,
                message=message,
            )
            public = PersonaPublic.model_validate(persona)
        self._changed(owner_id, persona_id)
        return public

    def labels(self, owner_id: int, persona_id: int) -> dict[str, int]:
        """Every label of the persona and the version it points at."""
        with session_scope(self._database) as session:
            return crud.list_labels(session=session, owner_id=owner_id, persona_id=persona_id)

    def label(self, owner_id: int, persona_id: int, label: str) -> PersonaVersionPublic:
        """The version ``label`` points at, with its snapshot."""
        with session_scope(self._database) as session:
            row = crud.get_label(
                session=session, owner_id=owner_id, persona_id=persona_id, label=label
            )
            return PersonaVersionPublic.model_validate(row)

    def set_label(self, owner_id: int, persona_id: int, label: str, version: int) -> int:
        """Create or move ``label`` to ``version``; returns the version it points at."""
        with session_scope(self._database) as session:
            row = crud.set_label(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                label=label,
                version=version,
            )
            pointed = row.version
        self._changed(owner_id, persona_id)
        return pointed

    def persona_id_named(self, owner_id: int, name: str) -> int:
        """The id of the owner's persona called ``name`` (else PersonaNotFoundError)."""
        with session_scope(self._database) as session:
            return crud.get_persona_by_name(session=session, owner_id=owner_id, name=name).id

    def adaptations(self, owner_id: int, persona_id: int) -> list[PlatformPersona]:
        """Every platform the persona is adapted to, by name."""
        with session_scope(self._database) as session:
            return crud.list_platform_personas(
                session=session, owner_id=owner_id, persona_id=persona_id
            )

    def adaptation(self, owner_id: int, persona_id: int, platform: str) -> PlatformPersona:
        """The persona's adaptation to ``platform`` (else NotFoundError)."""
        with session_scope(self._database) as session:
            return crud.get_platform_persona(
                session=session, owner_id=owner_id, persona_id=persona_id, platform=platform
            )

    def save_adaptation(
        self,
        owner_id: int,
        persona_id: int,
        platform: str,
        *,
        platform_specific_data: dict[str, Any] | None = None,
        optimization_strategies: dict[str, Any] | None = None,
        quality_metrics: dict[str, Any] | None = None,
    ) -> PlatformPersona:
        """Create the persona's adaptation to ``platform``, or replace the fields given."""
        with session_scope(self._database) as session:
            row = crud.upsert_platform_persona(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                platform=platform,
                platform_specific_data=platform_specific_data,
                optimization_strategies=optimization_strategies,
                quality_metrics=quality_metrics,
            )
        self._changed(owner_id, persona_id)
        return row

    def job(self, owner_id: int, job_id: str) -> Job:
        """One of the owner's background jobs (another owner's is not found)."""
        with session_scope(self._database) as session:
            return crud.get_job(session=session, owner_id=owner_id, job_id=job_id)

    def jobs(self, owner_id: int, *, limit: int = 20) -> list[Job]:
        """The owner's newest jobs, newest first."""
        with session_scope(self._database) as session:
            return crud.list_jobs(session=session, owner_id=owner_id, limit=limit)
