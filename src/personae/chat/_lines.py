"""The words of a chat turn around the model's reply: a persona's system prompt and the
reference its memories must not echo, the check of a user's message, which persona a
message addresses by name, and the actions suggested after a reply (seed 002's
``generateSuggestions``). Pure functions of their arguments; :class:`~personae.chat.ChatService`
calls them.
"""

from __future__ import annotations

import re

from personae.chat._identity import UserFacts
from personae.chat._traits import TraitView, traits_prompt
from personae.errors import InputError
from personae.store import Persona, PersonaPublic

__all__ = [
    "MAX_MESSAGE_CHARS",
    "addressed",
    "check_message",
    "persona_opening",
    "persona_reference",
    "suggestions",
    "system_prompt",
]

MAX_MESSAGE_CHARS = 8_000
"""Longest chat message accepted."""


def persona_reference(persona: Persona, traits: list[TraitView]) -> str:
    """The persona's own definition, which memories must never echo."""
    parts = [
        persona.display_name or persona.name,
        persona.role or "",
        persona.archetype or "",
        persona.core_belief or "",
        persona.system_prompt or "",
        persona.context or "",
        persona.scenario or "",
        *(trait.description for trait in traits),
    ]
    return "\n".join(part for part in parts if part and part.strip())


def persona_opening(persona: Persona | PersonaPublic, *, scenario: bool = False) -> list[str]:
    """The lines a persona's instructions start with: who it is, its role, belief, own
    prompt and context (and its scenario, for readers of the whole definition; a chat
    turn leaves the scenario to the conversation)."""
    parts = [f"You are {persona.display_name or persona.name}."]
    if persona.role:
        parts.append(f"Role: {persona.role}.")
    if persona.core_belief:
        parts.append(f"Core belief: {persona.core_belief}")
    extras = (persona.system_prompt, persona.context, persona.scenario if scenario else None)
    parts.extend(extra for extra in extras if extra)
    return parts


def system_prompt(
    persona: Persona, traits: list[TraitView], others: list[str], facts: UserFacts | None = None
) -> str:
    name = persona.display_name or persona.name
    parts = persona_opening(persona)
    trait_text = traits_prompt(name, traits)
    if trait_text:
        parts.append(trait_text)
    if others:
        parts.append(
            f"Also in this conversation: {', '.join(others)}. Their lines appear as "
            "'[Name]: …'. Speak only as yourself."
        )
    about_user = facts.prompt_lines() if facts is not None else []
    if about_user:
        parts.append("What the user told you about themselves: " + " ".join(about_user))
    parts.append(
        f"You are {name}, not the user: never use the user's name or business as your own."
    )
    parts.append(f"Respond in character as {name}, in a few sentences.")
    return "\n".join(parts)


def check_message(message: str) -> str:
    text = message.strip() if isinstance(message, str) else ""
    if not text:
        raise InputError("the message is empty", field="message")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InputError(
            f"the message has {len(text):,} characters; the limit is {MAX_MESSAGE_CHARS:,}",
            field="message",
        )
    if "\x00" in text:
        raise InputError("the message contains a NUL character", field="message")
    return text


def addressed(message: str, names: dict[int, list[str]]) -> int | None:
    """The persona a message addresses by name (``@ada``, ``Ada, …``, ``Ada: …``)."""
    lowered = message.lower()
    for persona_id, aliases in names.items():
        for alias in aliases:
            key = alias.lower()
            if not key:
                continue
            if re.search(rf"@{re.escape(key)}\b", lowered) or re.match(
                rf"^\s*{re.escape(key)}\s*[,:]", lowered
            ):
                return persona_id
    return None


def suggestions(name: str, traits: list[TraitView], proposals: list[str]) -> list[str]:
    """Seed 002's ``generateSuggestions``, from the traits: review what extraction
    proposed, tone down the strongest trait, strengthen a faint one, keep talking."""
    actions = [f"Review the proposed change to '{proposal}'" for proposal in proposals]
    if traits:
        strongest = max(traits, key=lambda trait: (trait.intensity, trait.name))
        if strongest.intensity >= 0.8:
            actions.append(f"Tone down '{strongest.name}' (intensity {strongest.intensity:.2f})")
        faintest = min(traits, key=lambda trait: (trait.intensity, trait.name))
        if faintest.intensity <= 0.3 and faintest is not strongest:
            actions.append(f"Strengthen '{faintest.name}' (intensity {faintest.intensity:.2f})")
    actions.append(f"Ask {name} a follow-up question")
    return actions[:5]
