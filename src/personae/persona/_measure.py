"""``analyze`` remembered for the texts the optimize loop judges again and again.

One optimize call measures the same drafts several times: each voice fix is checked on
the text as it will be published, then the chosen text is scored. A fingerprint is a
pure function of the text and frozen, so sharing it is exact; the memo is small and
bounded, and lives here rather than in ``personae.style``, which keeps no state.
"""

from __future__ import annotations

import json
from functools import lru_cache

from personae.store import Persona, PersonaPublic
from personae.style import Fingerprint, StyleProfile, analyze

__all__ = ["measure_text", "voice_profile"]


@lru_cache(maxsize=256)
def measure_text(text: str, max_chars: int | None = None) -> Fingerprint:
    """:func:`personae.style.analyze`, remembered for the last 256 texts."""
    if max_chars is None:
        return analyze(text)
    return analyze(text, max_chars=max_chars)


def voice_profile(persona: Persona | PersonaPublic) -> StyleProfile | None:
    """The persona's measured voice, or ``None`` before it has one (the one place a
    stored fingerprint is read back: :meth:`StyleProfile.from_json` refuses one written
    in a format this release cannot read)."""
    data = persona.linguistic_fingerprint
    return StyleProfile.from_json(json.dumps(data)) if data is not None else None
