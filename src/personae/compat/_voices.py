"""A caller's personas as the outside world names them: by name, with their voice.

The OpenAI-compatible endpoint calls a persona a *model* (its ``name``), and the MCP
server's tools take a persona by name or id; both measure texts against the persona's
stored voice. These use cases live here once, over the store and ``personae.style``,
and each opens (and ends) its own unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from personae.chat import persona_opening
from personae.errors import InputError, PersonaNotFoundError, ProfileError, TextTooLargeError
from personae.persona import voice_profile
from personae.store import Database, Persona, PersonaPublic, crud, session_scope
from personae.style import Attribution, Fingerprint, Match, StyleProfile, analyze, attribute

__all__ = ["PersonaRef", "VoiceService", "persona_system_prompt"]

_MAX_LISTED = 200
"""Personas listed as models at most (the store's largest page)."""


@dataclass(frozen=True, slots=True)
class PersonaRef:
    """A persona as a model list shows it."""

    id: int
    name: str
    display_name: str
    role: str
    created_at: datetime
    has_voice: bool


def persona_system_prompt(persona: Persona | PersonaPublic) -> str:
    """The persona's own instructions as a reader of its definition sees them (the same
    opening a chat turn starts with, scenario included)."""
    return "\n".join(persona_opening(persona, scenario=True))


def _voice(persona: Persona) -> StyleProfile:
    if persona.linguistic_fingerprint is None:
        raise ProfileError(
            f"persona {persona.name!r} has no measured voice yet: create it with writing "
            "samples, or send feedback with an edited text",
            persona_id=persona.id,
        )
    profile = voice_profile(persona)
    assert profile is not None  # checked above
    return profile


def _ref(persona: Persona) -> PersonaRef:
    return PersonaRef(
        id=persona.id,
        name=persona.name,
        display_name=persona.display_name or persona.name,
        role=persona.role or "",
        created_at=persona.created_at,
        has_voice=persona.linguistic_fingerprint is not None,
    )


class VoiceService:
    """Find a caller's personas by name and measure texts against their voices.

    Parameters
    ----------
    database
        The store.
    max_text_chars
        Longest text measured (``PERSONAE_MAX_TEXT_CHARS``).

    Examples
    --------
    >>> voices = VoiceService(db, max_text_chars=100_000)  # doctest: +SKIP
    >>> voices.match(owner_id=1, persona="ada", text="…").score  # doctest: +SKIP
    0.71
    """

    def __init__(self, database: Database, *, max_text_chars: int) -> None:
        self.database = database
        self.max_text_chars = max_text_chars

    def _find(self, session: Session, owner_id: int, persona: str | int) -> Persona:
        if isinstance(persona, int) or (isinstance(persona, str) and persona.isdigit()):
            try:
                return crud.get_persona(session=session, owner_id=owner_id, persona_id=int(persona))
            except PersonaNotFoundError:
                if isinstance(persona, int):
                    raise
        return crud.get_persona_by_name(session=session, owner_id=owner_id, name=str(persona))

    def personas(self, *, owner_id: int, active_only: bool = True) -> list[PersonaRef]:
        """The owner's personas by name (active ones unless told otherwise)."""
        with session_scope(self.database) as session:
            rows = crud.list_personas(
                session=session, owner_id=owner_id, limit=_MAX_LISTED, active_only=active_only
            )
            return [_ref(row) for row in rows]

    def find(self, *, owner_id: int, persona: str | int) -> PersonaRef:
        """One persona by id or name.

        Raises
        ------
        PersonaNotFoundError
            No such persona of this owner (another owner's looks the same).
        """
        with session_scope(self.database) as session:
            return _ref(self._find(session, owner_id, persona))

    def definition(self, *, owner_id: int, persona: str | int) -> PersonaPublic:
        """The persona's whole definition (what ``GET /api/personas/{id}`` returns)."""
        with session_scope(self.database) as session:
            return PersonaPublic.model_validate(self._find(session, owner_id, persona))

    def _check(self, text: str) -> None:
        if len(text) > self.max_text_chars:
            raise TextTooLargeError(size=len(text), limit=self.max_text_chars)

    def analyze(self, text: str) -> Fingerprint:
        """The linguistic fingerprint of ``text``."""
        self._check(text)
        return analyze(text, max_chars=self.max_text_chars)

    def match(self, *, owner_id: int, persona: str | int, text: str) -> Match:
        """How typical ``text`` is of the persona's voice: score, deviations, suggestions.

        Raises
        ------
        ProfileError
            The persona has no measured voice yet.
        """
        self._check(text)
        with session_scope(self.database) as session:
            voice = _voice(self._find(session, owner_id, persona))
        return voice.match(text)

    def attribute(self, *, owner_id: int, text: str) -> list[Attribution]:
        """Which of the owner's voiced personas most likely wrote ``text``, best first.

        Raises
        ------
        InputError
            The owner has fewer than two personas with a measured voice.
        """
        self._check(text)
        with session_scope(self.database) as session:
            rows = crud.list_personas(session=session, owner_id=owner_id, limit=_MAX_LISTED)
            voices = [_voice(row) for row in rows if row.linguistic_fingerprint is not None]
        if not voices:
            raise InputError("none of your personas has a measured voice to attribute against")
        if len(voices) == 1:
            # A share among one candidate is always 100 %, which says nothing.
            raise InputError(
                f"only {voices[0].name!r} has a measured voice among your personas, and one "
                "candidate cannot be attributed among: ask whether the text is in its voice "
                "instead (the verify_text tool, or POST /api/personas/{id}/verify)"
            )
        return attribute(text, voices)
