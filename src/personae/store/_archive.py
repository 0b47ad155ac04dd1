"""GDPR export: everything a user owns, as one JSON-serialisable object.

Erasure is :func:`personae.store.crud.delete_user` (a write, so it lives in ``crud``);
this module only reads. Secrets are left out on purpose: the password hash and API key
hashes are credentials, not information about the person, and handing them out would
only make them easier to attack.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from personae.store import crud
from personae.store._models import (
    ApiKey,
    AudienceCluster,
    AuditLog,
    Base,
    ChatMessage,
    ChatSession,
    CoreTrait,
    EngagementEvent,
    LearningEpisode,
    Memory,
    MemoryHygiene,
    Persona,
    PersonaAnalysisResult,
    PersonaConfiguration,
    PersonaLabel,
    PersonaMetric,
    PersonaValidationResult,
    PersonaVersion,
    PlatformPersona,
    PolicyState,
    Strategy,
    StrategyEdge,
    Trait,
    TraitProposal,
)

__all__ = ["ARCHIVE_FORMAT", "export_user_archive"]

ARCHIVE_FORMAT = "personae.archive"
"""The ``format`` marker of a user archive (``version`` 1)."""

_SECRETS = frozenset({"password_hash", "key_hash"})

# Child tables of a persona, by the key they appear under in the archive.
_FACETS: dict[str, type[Base]] = {
    "versions": PersonaVersion,
    "labels": PersonaLabel,
    "platform_personas": PlatformPersona,
    "analysis_results": PersonaAnalysisResult,
    "validation_results": PersonaValidationResult,
    "metrics": PersonaMetric,
    "configurations": PersonaConfiguration,
    "traits": Trait,
    # Strategy learning (personae.strategy): the creator's engagement and what was learned.
    "engagement_events": EngagementEvent,
    "strategies": Strategy,
    "strategy_edges": StrategyEdge,
    "learning_episodes": LearningEpisode,
    "audience_clusters": AudienceCluster,
    "policy_states": PolicyState,
    # Chat (personae.chat): what the persona learned about itself and remembers.
    "trait_proposals": TraitProposal,
    "memories": Memory,
    "memory_hygiene": MemoryHygiene,
}


def _row(obj: Base) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr in inspect(obj).mapper.column_attrs:
        if attr.key in _SECRETS:
            continue
        value = getattr(obj, attr.key)
        out[attr.key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def export_user_archive(*, session: Session, user_id: int) -> dict[str, Any]:
    """Everything the user owns: account, API keys, personas with all their facets and
    history, and the audit trail of what the user did.

    Raises
    ------
    UserNotFoundError
        No such user.

    Examples
    --------
    >>> archive = export_user_archive(session=session, user_id=user.id)  # doctest: +SKIP
    >>> json.dumps(archive)  # always serialisable  # doctest: +SKIP
    """
    user = crud.get_user(session=session, user_id=user_id)
    personas = []
    for persona in session.scalars(
        select(Persona).where(Persona.owner_id == user_id).order_by(Persona.id)
    ):
        entry = _row(persona)
        for key, model in _FACETS.items():
            rows = session.scalars(
                select(model).where(model.persona_id == persona.id).order_by(model.id)  # type: ignore[attr-defined]
            )
            entry[key] = [_row(row) for row in rows]
        personas.append(entry)
    keys = session.scalars(select(ApiKey).where(ApiKey.owner_id == user_id).order_by(ApiKey.id))
    audit = session.scalars(
        select(AuditLog).where(AuditLog.actor_id == user_id).order_by(AuditLog.id)
    )
    core_traits = session.scalars(
        select(CoreTrait).where(CoreTrait.owner_id == user_id).order_by(CoreTrait.id)
    )
    chats = []
    for chat in session.scalars(
        select(ChatSession).where(ChatSession.owner_id == user_id).order_by(ChatSession.id)
    ):
        entry = _row(chat)
        lines = session.scalars(
            select(ChatMessage).where(ChatMessage.session_id == chat.id).order_by(ChatMessage.id)
        )
        entry["messages"] = [_row(line) for line in lines]
        chats.append(entry)
    return {
        "format": ARCHIVE_FORMAT,
        "version": 1,
        "exported_at": datetime.now(UTC).isoformat(),
        "user": _row(user),
        "api_keys": [_row(key) for key in keys],
        "personas": personas,
        "core_traits": [_row(trait) for trait in core_traits],
        "chat_sessions": chats,
        "audit_log": [_row(entry) for entry in audit],
    }
