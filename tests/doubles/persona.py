"""A scripted model that plays a persona writer: JSON for generation, prose for posts."""

from __future__ import annotations

import json

from personae.llm import GenerationRequest
from tests.doubles.llm import ScriptedLLM

__all__ = ["IDENTITY", "POST", "RULES", "TONES", "persona_writer"]

IDENTITY = {
    "persona_name": "The Candid Builder",
    "archetype": "Pragmatic Founder",
    "core_belief": "Shipping small things often beats planning big things rarely.",
    "brand_voice_description": "Short, concrete sentences. Numbers over adjectives.",
}
TONES = {
    "default": "Candid",
    "permissible": ["wry", "warm", "candid", "WRY"],
    "forbidden": ["hype", "candid"],
}
RULES = {
    "rules": ["Lead with the outcome.", "One idea per paragraph."],
    # "team" and "shipped" occur in the founder samples; "synergy" and "leverage" do not.
    "go_to_words": ["team", "shipped", "paradigm"],
    "avoid_words": ["synergy", "leverage", "team"],
}
POST = (
    "We shipped the new billing page on Tuesday. It took two weeks, not four. "
    "The team cut three features to get there, and nobody missed them. "
    "Next week we measure what changed. #startups"
)


def persona_writer(
    *, identity: dict[str, str] | None = None, tones: dict[str, object] | None = None
) -> ScriptedLLM:
    """A fresh scripted model answering every request like a cooperative writer (or with
    the ``identity`` and ``tones`` given, to play a less cooperative one)."""

    def answer(request: GenerationRequest) -> str:
        schema = request.json_schema
        if schema is None:
            return POST
        props = set(schema.get("properties", {}))
        if "persona_name" in props:
            return json.dumps(identity or IDENTITY)
        if "permissible" in props:
            return json.dumps(tones or TONES)
        if "go_to_words" in props:
            return json.dumps(RULES)
        raise AssertionError(f"unexpected schema {sorted(props)}")

    return ScriptedLLM(responder=answer)
