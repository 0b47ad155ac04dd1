"""Traits: what a persona is like, how strongly, and how sure we are.

A persona's traits are its own ``traits`` rows plus the owner's **core traits**
(``core_traits``), which every persona of the owner inherits; an own trait of the same
name overrides the inherited one. Names are compared lower-cased.

Arithmetic (all clamped to 0..1):

* ``PUT /api/personality``: ``increase`` / ``decrease`` move the intensity by the given
  amount (:data:`DEFAULT_STEP` when none), ``set`` sets it (:func:`adjust_intensity`).
* Confidence of an **extracted** trait: a first sighting with the model's confidence
  ``c`` starts at ``c / 2``; a sighting again moves it toward 1 by
  ``GAIN * c`` of the remaining distance (:func:`seen_again`); between sightings it decays
  with a half-life of :data:`HALF_LIFE_DAYS` from ``last_seen_at``
  (:func:`decayed_confidence`, computed when read, so no job has to run). Its intensity
  is a moving average of what the model reports (weight :data:`INTENSITY_RATE`).
* Traits the user set (``source="user"``) have confidence 1 and never decay; extraction
  never writes them. What it sees about them becomes a *proposal* (``trait_proposals``).

Sampling temperature (:func:`temperature_for`): starting from
:data:`BASE_TEMPERATURE` (0.7), traits whose names are in :data:`LOOSENING` (creative,
playful, spontaneous …) push it up and traits in :data:`TIGHTENING` (precise, analytical,
formal …) push it down, by ``0.4 × Σ sign × (intensity − 0.5) × 2 × weight / n`` where
``n`` is the number of matching traits and ``weight`` the trait's confidence; the result
is clamped to 0.2..1.1. A persona with no such traits samples at 0.7.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from personae.errors import InputError
from personae.store import CoreTrait, Trait, crud

__all__ = [
    "BASE_TEMPERATURE",
    "DEFAULT_STEP",
    "GAIN",
    "HALF_LIFE_DAYS",
    "INTENSITY_RATE",
    "LOOSENING",
    "TIGHTENING",
    "TraitAction",
    "TraitView",
    "adjust_intensity",
    "apply_personality",
    "decayed_confidence",
    "normalize_trait_name",
    "parse_trait_id",
    "persona_traits",
    "seen_again",
    "temperature_for",
    "traits_prompt",
]

DEFAULT_STEP = 0.1
"""How far ``increase`` / ``decrease`` move an intensity when no amount is given."""
GAIN = 0.5
"""Share of the distance to full confidence a repeated sighting closes (times its confidence)."""
HALF_LIFE_DAYS = 30.0
"""Days after which an unseen extracted trait keeps half its confidence."""
INTENSITY_RATE = 0.3
"""Weight of a new sighting's intensity in an extracted trait's moving average."""
MIN_PROMPT_CONFIDENCE = 0.05
"""Extracted traits below this (decayed) confidence are left out of prompts."""
BASE_TEMPERATURE = 0.7
"""The sampling temperature of a persona whose traits say nothing about it."""
LOOSENING = frozenset(
    {
        "creative",
        "playful",
        "spontaneous",
        "humorous",
        "imaginative",
        "whimsical",
        "witty",
        "adventurous",
        "curious",
        "expressive",
        "enthusiastic",
    }
)
"""Trait names that make sampling looser (higher temperature) the more intense they are."""
TIGHTENING = frozenset(
    {
        "precise",
        "analytical",
        "formal",
        "cautious",
        "methodical",
        "disciplined",
        "concise",
        "logical",
        "rigorous",
        "reserved",
        "factual",
    }
)
"""Trait names that make sampling tighter (lower temperature) the more intense they are."""

TraitAction = Literal["increase", "decrease", "set"]
_NAME = re.compile(r"^[a-z][a-z0-9 _'-]{0,99}$")


def normalize_trait_name(name: str) -> str:
    """Lower case, single spaces; 1..100 of letters, digits, space, ``_'-``.

    Raises
    ------
    InputError
        Anything else (so a model cannot write markup or prompts into trait names).
    """
    cleaned = " ".join(str(name).split()).lower()
    if not _NAME.match(cleaned):
        raise InputError(
            f"trait name {name!r} must be 1..100 letters, digits, spaces, _ ' or -, "
            "starting with a letter",
            field="name",
        )
    return cleaned


class TraitView(BaseModel):
    """A trait as the API shows it: ``id`` is ``t<n>`` (the persona's own) or ``c<n>``
    (a core trait the persona inherits)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    description: str
    intensity: float = Field(ge=0, le=1)
    inherited: bool
    confidence: float = Field(ge=0, le=1)
    source: Literal["user", "extracted"]
    updated_at: datetime


def parse_trait_id(trait_id: str) -> tuple[bool, int]:
    """``("t12")`` → ``(False, 12)``; ``("c3")`` → ``(True, 3)``; a bare number is a
    persona's own trait.

    Raises
    ------
    InputError
        Anything else.
    """
    text = str(trait_id).strip()
    core = text[:1] == "c"
    digits = text[1:] if text[:1] in ("c", "t") else text
    if not digits.isdigit() or not 1 <= int(digits) <= 2**31 - 1:
        raise InputError(
            f"trait id {trait_id!r} is not a trait id ('t12' or 'c3')", field="traitId"
        )
    return core, int(digits)


def adjust_intensity(current: float, action: TraitAction, amount: float | None) -> float:
    """The intensity after ``action``, clamped to 0..1.

    Examples
    --------
    >>> adjust_intensity(0.95, "increase", 0.1)
    1.0
    >>> adjust_intensity(0.5, "decrease", None)
    0.4
    >>> adjust_intensity(0.5, "set", 0.2)
    0.2
    """
    if amount is not None and (not math.isfinite(amount) or not 0.0 <= amount <= 1.0):
        raise InputError(f"intensity must be between 0 and 1 (got {amount})", field="intensity")
    if action == "set":
        if amount is None:
            raise InputError("'set' needs an intensity", field="intensity")
        value = amount
    elif action == "increase":
        value = current + (DEFAULT_STEP if amount is None else amount)
    elif action == "decrease":
        value = current - (DEFAULT_STEP if amount is None else amount)
    else:
        raise InputError(f"action is increase, decrease or set, not {action!r}", field="action")
    return round(min(1.0, max(0.0, value)), 6)


def decayed_confidence(
    confidence: float,
    last_seen: datetime | None,
    now: datetime,
    *,
    half_life_days: float = HALF_LIFE_DAYS,
) -> float:
    """Confidence after ``now - last_seen`` without a sighting (half-life decay)."""
    if last_seen is None:
        return confidence
    days = max(0.0, (now - last_seen).total_seconds() / 86_400.0)
    return float(confidence * 0.5 ** (days / half_life_days))


def seen_again(current: float, observed: float) -> float:
    """Confidence after another sighting with the model's confidence ``observed``."""
    return min(1.0, current + (1.0 - current) * GAIN * min(1.0, max(0.0, observed)))


def _view(row: Trait | CoreTrait, *, inherited: bool, now: datetime) -> TraitView:
    if row.source == "user":
        confidence = 1.0
    else:
        confidence = decayed_confidence(row.confidence or 0.0, row.last_seen_at, now)
    return TraitView(
        id=("c" if inherited else "t") + str(row.id),
        name=row.name,
        description=row.description or "",
        intensity=min(1.0, max(0.0, row.intensity)),
        inherited=inherited,
        confidence=round(confidence, 6),
        source="user" if row.source == "user" else "extracted",
        updated_at=row.updated_at,
    )


def persona_traits(
    *, session: Session, owner_id: int, persona_id: int, now: datetime
) -> list[TraitView]:
    """The persona's traits: its own, plus the core traits it does not override, by name.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    own = crud.list_persona_traits(session=session, owner_id=owner_id, persona_id=persona_id)
    names = {row.name.lower() for row in own}
    views = [_view(row, inherited=False, now=now) for row in own]
    views += [
        _view(row, inherited=True, now=now)
        for row in crud.list_core_traits(session=session, owner_id=owner_id)
        if row.name.lower() not in names
    ]
    return sorted(views, key=lambda view: (view.name, view.inherited))


def apply_personality(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    trait_id: str,
    action: TraitAction,
    intensity: float | None,
) -> Trait:
    """Seed 002's ``PUT /api/personality``: move one trait of one persona.

    An inherited (core) trait is copied into the persona's own traits first, so turning
    it up for one persona leaves the owner's other personas as they were. The result is
    the user's trait (``source="user"``): extraction will only propose changes to it.

    Raises
    ------
    TraitNotFoundError
        No such trait for this persona.
    InputError
        A bad id, action or intensity.
    """
    core, number = parse_trait_id(trait_id)
    row: Trait | CoreTrait
    if core:
        row = crud.get_core_trait(session=session, owner_id=owner_id, trait_id=number)
        crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    else:
        row = crud.get_persona_trait(
            session=session, owner_id=owner_id, persona_id=persona_id, trait_id=number
        )
    value = adjust_intensity(row.intensity, action, intensity)
    saved = crud.save_trait(
        session=session,
        owner_id=owner_id,
        persona_id=persona_id,
        name=row.name,
        description=row.description,
        intensity=value,
        confidence=None,
        source="user",
    )
    assert isinstance(saved, Trait)
    return saved


def _band(intensity: float) -> str:
    if intensity < 0.2:
        return "barely"
    if intensity < 0.4:
        return "slightly"
    if intensity < 0.6:
        return "moderately"
    if intensity < 0.8:
        return "strongly"
    return "intensely"


def _usable(traits: Sequence[TraitView]) -> list[TraitView]:
    return [
        trait
        for trait in traits
        if trait.intensity >= 0.1
        and (trait.source == "user" or trait.confidence >= MIN_PROMPT_CONFIDENCE)
    ]


def traits_prompt(name: str, traits: Sequence[TraitView]) -> str:
    """Seed 002's ``buildSystemPrompt`` with intensities: core traits, then specific ones,
    each with how strongly it shows (``barely`` … ``intensely``); traits under 0.1 and
    extracted traits that decayed away are left out."""
    usable = _usable(traits)
    lines: list[str] = []

    def describe(trait: TraitView) -> str:
        text = f"- {trait.name} ({_band(trait.intensity)}, {trait.intensity:.2f})"
        return f"{text}: {trait.description}" if trait.description else text

    core = [trait for trait in usable if trait.inherited]
    specific = [trait for trait in usable if not trait.inherited]
    if core:
        lines.append("Core traits (shared by every persona of your owner):")
        lines.extend(describe(trait) for trait in core)
    if specific:
        lines.append(f"Traits specific to {name}:")
        lines.extend(describe(trait) for trait in specific)
    if lines:
        lines.append("Show each trait as strongly as its intensity says, naturally.")
    return "\n".join(lines)


def temperature_for(traits: Sequence[TraitView]) -> float:
    """The sampling temperature the traits call for (see the module docstring)."""
    pushes: list[float] = []
    for trait in _usable(traits):
        key = trait.name.lower()
        sign = 1.0 if key in LOOSENING else -1.0 if key in TIGHTENING else 0.0
        if sign:
            pushes.append(sign * (trait.intensity - 0.5) * 2.0 * trait.confidence)
    if not pushes:
        return BASE_TEMPERATURE
    value = BASE_TEMPERATURE + 0.4 * sum(pushes) / len(pushes)
    return round(min(1.1, max(0.2, value)), 4)
