"""An edited text teaches its persona: the person's correction is added to the voice.

The same learning as ``POST /api/personas/{id}/feedback`` with ``edited_text``: the text
is measured once, matched against the voice as it was (kept as the ``edit_match_score``
metric when it has enough words to judge), added to the profile with its character and
word evidence, and stored as a new persona version whose message names the piece.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from personae.persona import voice_profile
from personae.store import PersonaUpdate, crud
from personae.style import MIN_WORDS_TO_JUDGE, StyleProfile, analyze, text_evidence

__all__ = ["EDIT_MATCH_METRIC", "learn_from_edit"]

EDIT_MATCH_METRIC = "edit_match_score"


def learn_from_edit(
    session: Session, *, owner_id: int, persona_id: int, text: str, max_chars: int
) -> float | None:
    """Add ``text`` to the persona's voice (a new version); the match of the text
    against the voice before, or ``None`` when too short to judge."""
    persona = crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    measured = analyze(text, max_chars=max_chars)
    stored = persona.linguistic_fingerprint
    profile = voice_profile(persona) or StyleProfile(name=persona.display_name)
    match = None
    if stored is not None and measured.word_count >= MIN_WORDS_TO_JUDGE:
        match = profile.match_fingerprint(measured).score
    profile.add_fingerprint(measured, evidence=text_evidence(text))
    crud.update_persona(
        session=session,
        owner_id=owner_id,
        persona_id=persona_id,
        update=PersonaUpdate(
            version=persona.version,
            linguistic_fingerprint=json.loads(profile.to_json()),
            message=f"content edit: a corrected text of {measured.word_count} words added "
            "to the voice",
        ),
    )
    if match is not None:
        crud.record_metric(
            session=session,
            owner_id=owner_id,
            persona_id=persona_id,
            metric=EDIT_MATCH_METRIC,
            value=match,
        )
    return match
