"""Where a draft strays from a persona's voice, as character spans a person can act on.

``StyleProfile.match`` says which dimensions stray; the voice fixes' sentence splitter and
contraction finders (what *revise* rewrites with) say where: sentences much longer or
shorter than the voice writes them, contractions it would make or spell out. The studio's
live marks (``POST /api/studio/personas/{id}/marks``) are this, through
:meth:`~personae.persona.PersonaService.voice_marks`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from personae.persona._fixes._contractions import _contraction_spans, _form_spans
from personae.persona._fixes._prose import _sentences
from personae.style import StyleProfile

__all__ = ["MARK_Z", "SENTENCE_REACH", "VoiceMark", "voice_marks"]

MARK_Z = 1.0
"""A dimension at least this many spreads from the voice gets its places marked."""

SENTENCE_REACH = 1.5
"""A sentence is marked beyond this many of the writer's within-text sentence-length spreads."""


class VoiceMark(BaseModel):
    """A stretch of the draft that strays from the voice, and why, for a person."""

    start: int
    end: int
    kind: Literal["long_sentence", "short_sentence", "contract", "spell_out"]
    message: str


def _sentence_spans(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, words)`` of each sentence, found in order in the text."""
    spans = []
    position = 0
    for block in text.split("\n"):
        for sentence in _sentences(block):
            start = text.find(sentence, position)
            if start < 0:
                continue
            position = start + len(sentence)
            spans.append((start, position, len(sentence.split())))
    return spans


def voice_marks(text: str, profile: StyleProfile) -> list[VoiceMark]:
    """The spans of ``text`` behind its largest deviations from ``profile``, in order.

    Raises
    ------
    InputError
        A text too short to judge (as :meth:`StyleProfile.match`).
    """
    deviations = {d.dimension: d for d in profile.match(text).deviations if abs(d.z) >= MARK_Z}
    marks: list[VoiceMark] = []
    length = deviations.get("sentence_length.average")
    if length is not None:
        usual = length.profile_value
        # Unusual *within* one of the writer's texts: beyond 1.5 of their in-text spread.
        within = profile.dimensions.get("sentence_length.stdev")
        reach = SENTENCE_REACH * max(within.mean if within else 0.0, 0.25 * usual)
        for a, b, n in _sentence_spans(text):
            if (length.z > 0 and n > usual + reach) or (length.z < 0 and n < usual - reach):
                kind: Literal["long_sentence", "short_sentence"] = (
                    "long_sentence" if length.z > 0 else "short_sentence"
                )
                message = f"{n} words; this voice averages {usual:.0f}"
                marks.append(VoiceMark(start=a, end=b, kind=kind, message=message))
    contractions = deviations.get("contractions.per_100_words")
    if contractions is not None and contractions.z < 0:
        marks += [
            VoiceMark(
                start=a,
                end=b,
                kind="contract",
                message=f"this voice would write \u201c{form}\u201d",
            )
            for a, b, form in _form_spans(text)
        ]
    elif contractions is not None:
        marks += [
            VoiceMark(
                start=a,
                end=b,
                kind="spell_out",
                message=f"this voice spells it out: \u201c{full}\u201d",
            )
            for a, b, full in _contraction_spans(text)
        ]
    return sorted(marks, key=lambda m: m.start)
