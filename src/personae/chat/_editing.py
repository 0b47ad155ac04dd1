"""The chat service's use cases besides a turn: editing traits, reading memories and
sessions. Each method is one unit of work of its own (the service opens and commits it),
so the HTTP routes and the CLI only parse and render.

Trait ids are ``t<n>`` for a persona's own trait and ``c<n>`` for an owner-wide core
trait the persona inherits (:func:`~personae.chat._traits.parse_trait_id`).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from personae.chat._memory import MemoryHygieneView, MemoryStore, memory_hygiene
from personae.chat._traits import (
    TraitAction,
    TraitView,
    apply_personality,
    normalize_trait_name,
    parse_trait_id,
    persona_traits,
)
from personae.errors import TraitNotFoundError
from personae.store import Database, crud, session_scope
from personae.store._models import utcnow

__all__ = ["ChatLine", "MemoryList", "MemoryView", "TraitEditing", "TraitProposalView"]


class TraitProposalView(BaseModel):
    """What extraction saw about a trait you set by hand."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    intensity: float
    confidence: float
    seen: int
    updated_at: datetime


class MemoryView(BaseModel):
    """One memory as its owner sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    text: str
    importance: float
    source: str
    merged: int
    session_id: int | None
    created_at: datetime
    last_accessed: datetime
    expires_at: datetime | None


class MemoryList(BaseModel):
    """A page of the persona's memories and its memory hygiene."""

    memories: list[MemoryView]
    hygiene: MemoryHygieneView


class ChatLine(BaseModel):
    """One line of a session."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    role: str
    persona_id: int | None
    content: str
    created_at: datetime


def _canonical(trait_id: str) -> str:
    core, number = parse_trait_id(trait_id)
    return ("c" if core else "t") + str(number)


def _one(session: Session, owner_id: int, persona_id: int, trait_id: str) -> TraitView:
    for view in persona_traits(
        session=session, owner_id=owner_id, persona_id=persona_id, now=utcnow()
    ):
        if view.id == trait_id:
            return view
    raise TraitNotFoundError(f"persona {persona_id} has no trait {trait_id}")


class TraitEditing:
    """Trait editing, memories and session history (mixed into
    :class:`~personae.chat.ChatService`, which provides ``database``).

    Another owner's persona, trait or session raises the same not-found errors as a
    missing one.
    """

    database: Database
    memory: MemoryStore

    def traits(self, *, owner_id: int, persona_id: int) -> list[TraitView]:
        """The persona's own traits and the core traits it inherits, by name."""
        with session_scope(self.database) as session:
            return persona_traits(
                session=session, owner_id=owner_id, persona_id=persona_id, now=utcnow()
            )

    def trait(self, *, owner_id: int, persona_id: int, trait_id: str) -> TraitView:
        """One trait by id (``t12``, ``c3``, or a bare number for an own trait)."""
        with session_scope(self.database) as session:
            return _one(session, owner_id, persona_id, _canonical(trait_id))

    def trait_proposals(self, *, owner_id: int, persona_id: int) -> list[TraitProposalView]:
        """What extraction saw about the traits the owner set by hand."""
        with session_scope(self.database) as session:
            rows = crud.list_trait_proposals(
                session=session, owner_id=owner_id, persona_id=persona_id
            )
            return [TraitProposalView.model_validate(row) for row in rows]

    def set_trait(
        self,
        *,
        owner_id: int,
        persona_id: int,
        name: str,
        description: str = "",
        intensity: float = 0.5,
        inherited: bool = False,
    ) -> TraitView:
        """Create (or replace) a trait of the persona, or with ``inherited`` a core trait
        of every persona of the owner."""
        clean = normalize_trait_name(name)
        with session_scope(self.database) as session:
            crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
            row = crud.save_trait(
                session=session,
                owner_id=owner_id,
                persona_id=None if inherited else persona_id,
                name=clean,
                description=description,
                intensity=intensity,
                source="user",
            )
            return _one(session, owner_id, persona_id, ("c" if inherited else "t") + str(row.id))

    def change_trait(
        self,
        *,
        owner_id: int,
        persona_id: int,
        trait_id: str,
        description: str | None = None,
        intensity: float | None = None,
    ) -> TraitView:
        """Change a trait (it becomes the user's); an inherited one changes for every
        persona of the owner."""
        with session_scope(self.database) as session:
            view = _one(session, owner_id, persona_id, _canonical(trait_id))
            row = crud.save_trait(
                session=session,
                owner_id=owner_id,
                persona_id=None if view.inherited else persona_id,
                name=view.name,
                description=description,
                intensity=view.intensity if intensity is None else intensity,
                source="user",
            )
            new_id = ("c" if view.inherited else "t") + str(row.id)
            return _one(session, owner_id, persona_id, new_id)

    def delete_trait(self, *, owner_id: int, persona_id: int, trait_id: str) -> None:
        """Delete a trait (an inherited one: from every persona of the owner)."""
        core, number = parse_trait_id(trait_id)
        with session_scope(self.database) as session:
            crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
            row = (
                crud.get_core_trait(session=session, owner_id=owner_id, trait_id=number)
                if core
                else crud.get_persona_trait(
                    session=session, owner_id=owner_id, persona_id=persona_id, trait_id=number
                )
            )
            crud.delete_trait(session=session, owner_id=owner_id, row=row)

    def adjust_trait(
        self,
        *,
        owner_id: int,
        persona_id: int,
        trait_id: str,
        action: TraitAction,
        intensity: float | None = None,
    ) -> TraitView:
        """Seed 002's personality adjustment (see
        :func:`~personae.chat._traits.apply_personality`)."""
        with session_scope(self.database) as session:
            row = apply_personality(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                trait_id=trait_id,
                action=action,
                intensity=intensity,
            )
            return _one(session, owner_id, persona_id, f"t{row.id}")

    def memories(
        self, *, owner_id: int, persona_id: int, limit: int = 50, offset: int = 0
    ) -> MemoryList:
        """Newest first, with the persona's memory hygiene figures."""
        with session_scope(self.database) as session:
            rows = crud.list_memories(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                limit=limit,
                offset=offset,
            )
            hygiene = memory_hygiene(session=session, owner_id=owner_id, persona_id=persona_id)
            return MemoryList(
                memories=[MemoryView.model_validate(row) for row in rows], hygiene=hygiene
            )

    def forget_memory(self, *, owner_id: int, persona_id: int, memory_id: int) -> None:
        """Delete one memory (and its vector): what the person no longer wants kept."""
        self.memory.forget(owner_id=owner_id, persona_id=persona_id, memory_id=memory_id)

    def session_lines(self, *, owner_id: int, session_id: int, limit: int = 100) -> list[ChatLine]:
        """The newest ``limit`` lines of a session, oldest first."""
        with session_scope(self.database) as session:
            rows = crud.recent_chat_messages(
                session=session, owner_id=owner_id, chat_session_id=session_id, limit=limit
            )
            return [ChatLine.model_validate(row) for row in rows]

    def persona_named(self, *, owner_id: int, name: str) -> int:
        """The id of the owner's persona called ``name``.

        Raises
        ------
        PersonaNotFoundError
            The owner has no persona of that name.
        """
        with session_scope(self.database) as session:
            return crud.get_persona_by_name(session=session, owner_id=owner_id, name=name).id

    def check_session(self, *, owner_id: int, session_id: int) -> None:
        """Raise :class:`~personae.errors.ChatSessionNotFoundError` unless the owner has it."""
        with session_scope(self.database) as session:
            crud.get_chat_session(session=session, owner_id=owner_id, chat_session_id=session_id)
