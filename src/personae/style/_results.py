"""Result types of matching and attribution."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Attribution", "Deviation", "Match", "Suggestion"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Deviation(_Model):
    """How far one measured dimension of a text lies from the profile."""

    dimension: str = Field(description="Feature key, e.g. 'sentence_length.average'.")
    label: str = Field(description="Human name, e.g. 'average sentence length'.")
    profile_value: float
    profile_spread: float
    text_value: float
    z: float = Field(description="Signed distance in profile spreads (text minus profile).")
    message: str


class Suggestion(_Model):
    """A concrete edit that would bring the text closer to the voice."""

    dimension: str
    message: str
    impact: float = Field(ge=0.0, description="Expected gain; suggestions are sorted by it.")
    priority: Literal["high", "medium", "low"]


class Match(_Model):
    """How well one text matches one voice."""

    profile: str
    score: float = Field(ge=0.0, le=1.0, description="Calibrated: same author high, others low.")
    typicality: float = Field(
        ge=0.0, le=1.0, description="How typical the text is of this voice, judged alone."
    )
    share: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="This voice's posterior share among itself and the rival voices, if any.",
    )
    word_count: int
    deviations: list[Deviation]
    suggestions: list[Suggestion]
    notes: list[str] = Field(default_factory=list)


class Attribution(_Model):
    """One candidate author of a text, as ranked by :func:`attribute`."""

    name: str
    score: float = Field(ge=0.0, le=1.0, description="Posterior share; scores sum to 1.")
    log_likelihood: float
