"""Traits (a persona's own and the owner's core traits) and trait proposals.

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from personae.errors import InputError, TraitNotFoundError
from personae.store._models import CoreTrait, Persona, Trait, TraitProposal, utcnow
from personae.store.crud._common import _audit, _unit
from personae.store.crud._personas import get_persona

# == Chat ================================================================================
# Traits (a persona's own and the owner's core traits), trait proposals, chat sessions and
# messages, memories and their hygiene counters, for personae.chat. Every read is
# owner-scoped: another owner's ids raise the same NotFound errors as missing ones. User
# edits of traits and new sessions write audit rows; messages, memories and what
# extraction learns are conversation data written once per turn and write none (one
# audit row per chat line would drown the log, as LLM usage would).

TRAIT_SOURCES = ("user", "extracted")
"""Who set a trait: the user by hand, or extraction from conversations."""


def _check_source(source: str) -> str:
    if source not in TRAIT_SOURCES:
        raise InputError(f"a trait's source is 'user' or 'extracted', not {source!r}")
    return source


def list_persona_traits(*, session: Session, owner_id: int, persona_id: int) -> list[Trait]:
    """The persona's own traits, by name.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    return list(
        session.scalars(select(Trait).where(Trait.persona_id == persona_id).order_by(Trait.name))
    )


def list_core_traits(*, session: Session, owner_id: int) -> list[CoreTrait]:
    """The owner's core traits (every persona of the owner inherits them), by name."""
    return list(
        session.scalars(
            select(CoreTrait).where(CoreTrait.owner_id == owner_id).order_by(CoreTrait.name)
        )
    )


def get_persona_trait(*, session: Session, owner_id: int, persona_id: int, trait_id: int) -> Trait:
    """One of the persona's own traits.

    Raises
    ------
    TraitNotFoundError
        No such trait on this persona, or the persona is another owner's.
    """
    row = session.scalar(
        select(Trait)
        .join(Persona, Persona.id == Trait.persona_id)
        .where(Trait.id == trait_id, Trait.persona_id == persona_id, Persona.owner_id == owner_id)
    )
    if row is None:
        raise TraitNotFoundError(f"persona {persona_id} has no trait {trait_id}")
    return row


def get_core_trait(*, session: Session, owner_id: int, trait_id: int) -> CoreTrait:
    """One of the owner's core traits.

    Raises
    ------
    TraitNotFoundError
        No such core trait for this owner.
    """
    row = session.scalar(
        select(CoreTrait).where(CoreTrait.id == trait_id, CoreTrait.owner_id == owner_id)
    )
    if row is None:
        raise TraitNotFoundError(f"no core trait {trait_id}")
    return row


_TraitRow = TypeVar("_TraitRow", Trait, CoreTrait)


def _insert_or_existing(session: Session, row: _TraitRow, existing: Select[Any]) -> _TraitRow:
    """Insert ``row``, or return the one a concurrent transaction inserted first.

    The insert runs in a savepoint, so losing the race on the unique key rolls back only
    the insert (never the request's transaction) and the winner's row is updated instead:
    racing creates of one name end as one row and no 500.
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        found: _TraitRow | None = session.scalar(existing)
        if found is None:  # pragma: no cover - the winner's row was deleted meanwhile
            raise
        return found
    return row


def save_trait(
    *,
    session: Session,
    owner_id: int,
    persona_id: int | None,
    name: str,
    intensity: float,
    description: str | None = None,
    confidence: float | None = None,
    source: str = "user",
    seen_at: datetime | None = None,
    actor_id: int | None = None,
) -> Trait | CoreTrait:
    """Create or update the trait ``name`` of a persona (``persona_id=None``: a core trait
    of the owner). ``description=None`` keeps the stored one; ``seen_at`` is when
    extraction saw it (the start of its confidence decay).

    Raises
    ------
    InputError
        ``intensity`` or ``confidence`` outside 0..1, or an unknown ``source``.
    PersonaNotFoundError
        No such persona for this owner.
    """
    _unit(intensity, "intensity")
    _unit(confidence, "confidence")
    _check_source(source)
    row: Trait | CoreTrait | None
    if persona_id is None:
        core = select(CoreTrait).where(CoreTrait.owner_id == owner_id, CoreTrait.name == name)
        row = session.scalar(core)
        if row is None:
            row = _insert_or_existing(
                session, CoreTrait(owner_id=owner_id, name=name, description=""), core
            )
    else:
        get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
        query = select(Trait).where(Trait.persona_id == persona_id, Trait.name == name)
        row = session.scalar(query)
        if row is None:
            row = _insert_or_existing(
                session,
                Trait(persona_id=persona_id, name=name, description="", inherited=False),
                query,
            )
    if description is not None:
        row.description = description
    row.intensity = intensity
    row.confidence = confidence
    row.source = source
    if seen_at is not None:
        row.last_seen_at = seen_at
    row.updated_at = utcnow()
    session.flush()
    if source == "user":
        _audit(
            session,
            actor_id=owner_id if actor_id is None else actor_id,
            action="upsert",
            entity="core_trait" if persona_id is None else "trait",
            entity_id=row.id,
            details={"persona_id": persona_id, "name": name},
        )
        session.flush()
    return row


def delete_trait(*, session: Session, owner_id: int, row: Trait | CoreTrait) -> None:
    """Delete a trait read through :func:`get_persona_trait` or :func:`get_core_trait`."""
    entity = "core_trait" if isinstance(row, CoreTrait) else "trait"
    entity_id = row.id
    session.delete(row)
    session.flush()
    _audit(session, actor_id=owner_id, action="delete", entity=entity, entity_id=entity_id)
    session.flush()


def propose_trait(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    name: str,
    description: str,
    intensity: float,
    confidence: float,
) -> TraitProposal:
    """Record what extraction saw about a trait the user set by hand (seen again: the
    newest intensity, the higher confidence, one more sighting)."""
    _unit(intensity, "intensity")
    _unit(confidence, "confidence")
    row = session.scalar(
        select(TraitProposal).where(
            TraitProposal.persona_id == persona_id, TraitProposal.name == name
        )
    )
    if row is None:
        row = TraitProposal(
            owner_id=owner_id, persona_id=persona_id, name=name, seen=0, confidence=0.0
        )
        session.add(row)
    row.description = description
    row.intensity = intensity
    row.confidence = max(row.confidence or 0.0, confidence)
    row.seen = (row.seen or 0) + 1
    row.updated_at = utcnow()
    session.flush()
    return row


def list_trait_proposals(
    *, session: Session, owner_id: int, persona_id: int
) -> list[TraitProposal]:
    """Open proposals for the persona's hand-set traits, newest first."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    return list(
        session.scalars(
            select(TraitProposal)
            .where(TraitProposal.persona_id == persona_id)
            .order_by(TraitProposal.updated_at.desc(), TraitProposal.id.desc())
        )
    )
