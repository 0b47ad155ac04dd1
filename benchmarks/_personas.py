"""A stored persona made in memory for a benchmark: the fields personae reads when it
writes (measured profile and rules), the rest empty. Shared by the writing benchmarks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from personae.persona._generate import measured_constraints
from personae.store import PersonaPublic
from personae.style import StyleProfile


def benchmark_persona(
    index: int,
    key: str,
    display_name: str,
    profile: StyleProfile,
    *,
    role: str = "",
    archetype: str | None = None,
    core_belief: str | None = None,
    tonal_range: dict[str, Any] | None = None,
    examples: list[str] | None = None,
) -> PersonaPublic:
    """A persona with ``profile`` as its fingerprint and its measured constraints as rules
    (plus the writer's own sentences as ``examples``, when given)."""
    now = datetime.now(UTC)
    constraints: dict[str, Any] = measured_constraints(profile)
    if examples is not None:
        constraints["examples"] = examples
    return PersonaPublic(
        id=index,
        owner_id=1,
        name=key,
        display_name=display_name,
        role=role,
        archetype=archetype,
        core_belief=core_belief,
        system_prompt="",
        context="",
        expertise=[],
        response_format="",
        persona_type="writer",
        tonal_range=tonal_range or {},
        stylistic_constraints=constraints,
        linguistic_fingerprint=json.loads(profile.to_json()),
        confidence_score=None,
        scenario="",
        greeting="",
        example_dialogue="",
        card_extensions=None,
        version=1,
        is_active=True,
        created_at=now,
        updated_at=now,
    )
