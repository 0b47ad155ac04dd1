"""The persona service's exchange use cases: character cards and definitions files in and
out. Each is one unit of work; what it changed is reported through the service's
``on_change`` hook after the commit (a whole-file sync reports the owner: ``None`` for the
persona).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from personae.persona._insights import PersonaChanged
from personae.store import (
    Database,
    PersonaPublic,
    SyncReport,
    crud,
    dump_definitions,
    export_card,
    export_definitions,
    import_card,
    load_definitions,
    session_scope,
    sync_definitions,
)

__all__ = ["CardSpec", "Exchange", "ExportedCard", "dump_definitions", "load_definitions"]
# load_definitions and dump_definitions (text <-> data of a definitions file) are the file
# format of sync_definitions / export_definitions: the shells parse and print with them.

CardSpec = Literal["chara_card_v2", "chara_card_v3"]
"""The character card versions read and written."""


@dataclass(frozen=True, slots=True)
class ExportedCard:
    """A persona as a card: a JSON object, or PNG bytes; ``name`` names the file."""

    name: str
    card: dict[str, Any] | bytes


class Exchange:
    """Cards and definitions files (mixed into :class:`~personae.persona.PersonaService`,
    which provides the database and the change hook)."""

    _database: Database
    _on_change: PersonaChanged | None

    def import_card(
        self, owner_id: int, source: bytes | str | dict[str, Any], *, name: str | None = None
    ) -> PersonaPublic:
        """Create a persona from a Character Card V2 or V3 (PNG bytes, JSON text or object);
        fields without a persona column are kept for export.

        Raises
        ------
        CardError
            The card cannot be read or does not fit a persona.
        DuplicateNameError
            The owner already has a persona of that name.
        """
        with session_scope(self._database) as session:
            persona = import_card(session=session, owner_id=owner_id, source=source, name=name)
            public = PersonaPublic.model_validate(persona)
        if self._on_change is not None:
            self._on_change(owner_id, public.id)
        return public

    def export_card(
        self, owner_id: int, persona_id: int, *, spec: CardSpec | None = None, png: bool = False
    ) -> ExportedCard:
        """The persona as a card (an imported card comes back as it came in)."""
        with session_scope(self._database) as session:
            card = export_card(
                session=session, owner_id=owner_id, persona_id=persona_id, spec=spec, png=png
            )
            persona = crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
            return ExportedCard(name=persona.name, card=card)

    def sync_definitions(
        self,
        owner_id: int,
        data: Any,
        *,
        dry_run: bool = False,
        prune: bool = False,
        strict: bool = False,
    ) -> SyncReport:
        """Make the owner's personas match a definitions file, in one transaction (see
        :func:`~personae.store.sync_definitions`)."""
        with session_scope(self._database) as session:
            report = sync_definitions(
                session=session,
                owner_id=owner_id,
                data=data,
                dry_run=dry_run,
                prune=prune,
                strict=strict,
            )
        if not dry_run and report.change_count and self._on_change is not None:
            self._on_change(owner_id, None)
        return report

    def export_definitions(
        self,
        owner_id: int,
        *,
        layout: Literal["canonical", "g1"] = "canonical",
        active_only: bool = False,
    ) -> dict[str, Any]:
        """The owner's personas as a definitions file; syncing it back changes nothing."""
        with session_scope(self._database) as session:
            return export_definitions(
                session=session, owner_id=owner_id, active_only=active_only, layout=layout
            )
