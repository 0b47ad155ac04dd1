"""Writing in a persona's voice for a platform: the prompt, one draft, or a token stream.

The prompt carries three kinds of guidance, each from its owner: who the persona is
(its stored fields, written by a person or the LLM), how it *measurably* writes (the
fingerprint, in words, from :func:`~personae.persona._voice.describe_voice`) and what
the platform takes (the plugin's :meth:`~personae.persona.Platform.prompt_guidance`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

from personae.errors import InputError
from personae.llm import LLM, Completion, Message
from personae.persona._voice import describe_voice
from personae.persona._voice_rules import VoiceRules
from personae.persona.platforms import Platform, get_platform
from personae.store import PersonaPublic
from personae.style import StyleProfile

__all__ = ["MAX_BRIEF_CHARS", "VoiceBrief", "draft", "stream_draft", "writing_messages"]

MAX_BRIEF_CHARS = 4_000
"""Longest brief accepted: a brief says what to write, it is not the text itself."""


@dataclass(frozen=True, slots=True)
class VoiceBrief:
    """Everything generation and scoring need to know about one persona on one platform."""

    persona: PersonaPublic
    platform: Platform
    profile: StyleProfile | None
    rules: VoiceRules

    @classmethod
    def of(cls, persona: PersonaPublic, platform: Platform | str) -> VoiceBrief:
        """Read the persona's measured profile and stated rules once."""
        resolved = get_platform(platform) if isinstance(platform, str) else platform
        profile = None
        if persona.linguistic_fingerprint:
            profile = StyleProfile.from_json(json.dumps(persona.linguistic_fingerprint))
        rules = VoiceRules.from_persona(persona.tonal_range, persona.stylistic_constraints)
        return cls(persona=persona, platform=resolved, profile=profile, rules=rules)


def _check_brief(brief: str) -> str:
    text = brief.strip()
    if not text:
        raise InputError("the brief is empty: say what the text should be about", field="brief")
    if len(text) > MAX_BRIEF_CHARS:
        raise InputError(
            f"the brief has {len(text):,} characters; the limit is {MAX_BRIEF_CHARS:,}",
            field="brief",
        )
    return text


def _system_prompt(voice: VoiceBrief) -> str:
    persona = voice.persona
    parts = [f"You are {persona.display_name}."]
    if persona.role:
        parts.append(f"Role: {persona.role}.")
    if persona.archetype:
        parts.append(f"Archetype: {persona.archetype}.")
    if persona.core_belief:
        parts.append(f"Core belief: {persona.core_belief}")
    if persona.system_prompt:
        parts.append(persona.system_prompt)
    rules = voice.rules
    if rules.default_tone:
        parts.append(f"Tone: {rules.default_tone}.")
    if rules.forbidden_tones:
        parts.append(f"Never sound {', '.join(rules.forbidden_tones)}.")
    if rules.go_to:
        parts.append(f"Words you use: {', '.join(rules.go_to[:10])}.")
    if rules.avoid:
        parts.append(f"Never use: {', '.join(rules.avoid[:10])}.")
    if rules.sentence_length is not None:
        low, high = rules.sentence_length
        parts.append(f"Write sentences of {low:.0f} to {high:.0f} words on average.")
    written = voice.persona.stylistic_constraints.get("rules")
    if isinstance(written, list):
        parts.extend(str(rule) for rule in written[:6])
    if voice.profile is not None:
        parts.append("Your measured style:\n" + describe_voice(voice.profile))
    parts.append(f"You write for {voice.platform.display_name}:")
    parts.extend(f"- {line}" for line in voice.platform.prompt_guidance())
    return "\n".join(parts)


def writing_messages(voice: VoiceBrief, brief: str) -> list[Message]:
    """The conversation that asks for one text: system (persona, voice, platform), brief."""
    return [
        Message.system(_system_prompt(voice)),
        Message.user(f"Write a {voice.platform.display_name} post: {_check_brief(brief)}"),
    ]


def draft(
    voice: VoiceBrief,
    brief: str,
    llm: LLM,
    *,
    max_tokens: int = 400,
    temperature: float = 0.7,
    seed: int | None = None,
    messages: list[Message] | None = None,
) -> Completion:
    """One text in the persona's voice (``messages`` to continue a revision conversation)."""
    return llm.complete(
        messages if messages is not None else writing_messages(voice, brief),
        max_tokens=max_tokens,
        temperature=temperature,
        seed=seed,
    )


def stream_draft(
    voice: VoiceBrief,
    brief: str,
    llm: LLM,
    *,
    max_tokens: int = 400,
    temperature: float = 0.7,
    seed: int | None = None,
) -> AsyncIterator[str]:
    """:func:`draft` as tokens arrive (for SSE and the terminal)."""
    return llm.stream(
        writing_messages(voice, brief), max_tokens=max_tokens, temperature=temperature, seed=seed
    )
