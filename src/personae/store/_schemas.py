"""Pydantic schemas: what callers send (``XCreate``, ``XUpdate``) and receive (``XPublic``).

Kept apart from the tables (:mod:`personae.store._models`) so that the HTTP API can
use them as request and response bodies directly and a column never leaks by accident
(``UserPublic`` has no password hash). Validation happens here, once, before anything
reaches the database: names, bounded text, scores in 0..1, and a linguistic fingerprint
that must be a real serialised :class:`~personae.style.StyleProfile` (measured, never
invented).
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from personae.errors import ProfileError
from personae.style import StyleProfile

__all__ = [
    "MAX_INT",
    "NAME_PATTERN",
    "ApiKeyPublic",
    "FieldChange",
    "JsonObject",
    "PersonaCreate",
    "PersonaDiff",
    "PersonaFields",
    "PersonaPublic",
    "PersonaUpdate",
    "PersonaVersionPublic",
    "SyncIssue",
    "SyncReport",
    "UserCreate",
    "UserPublic",
]

NAME_PATTERN = r"^[A-Za-z0-9 _.-]{1,100}$"
"""A persona name: 1..100 letters, digits, spaces, ``_``, ``.`` or ``-`` (unique per owner)."""

MAX_INT = 2**31 - 1
"""Largest integer an ``INTEGER`` column holds on every backend (PostgreSQL's int4).

Ids and versions are bounded by it *before* a query, so an out-of-range number is a
validation error rather than a database error."""

_LONG_TEXT = 100_000  # system prompts and card descriptions can be long, but not unbounded


def _no_nul(value: str) -> str:
    """Refuse NUL characters: PostgreSQL text cannot hold them, so they would fail there."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL (\\x00) characters")
    return value


def _finite(value: Any) -> None:
    """Refuse what JSON cannot hold as it is, anywhere inside ``value``.

    Objects must have string keys (``json.dumps`` would turn ``1`` into ``"1"`` and a
    re-sync would then always see a change), and values must be JSON's own types: YAML
    gives dates and timestamps, which cannot be stored. NaN and Infinity are not JSON
    either: PostgreSQL's ``json`` type rejects them, and a response holding one could
    not be serialised.
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("JSON numbers must be finite (NaN and Infinity are not JSON)")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"JSON object keys must be strings, not {type(key).__name__}")
            _finite(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _finite(item)
    elif value is not None and not isinstance(value, str | int):  # bool is an int
        raise ValueError(
            f"JSON fields hold objects, arrays, strings, numbers, true, false and null; "
            f"not {type(value).__name__}"
        )


def _json_value(value: Any) -> Any:
    """Refuse values a JSON column cannot hold as they are (see :func:`_finite`)."""
    _finite(value)
    return value


PersonaName = Annotated[str, StringConstraints(pattern=NAME_PATTERN, min_length=1, max_length=100)]
ShortText = Annotated[str, StringConstraints(max_length=300), AfterValidator(_no_nul)]
LongText = Annotated[str, StringConstraints(max_length=_LONG_TEXT), AfterValidator(_no_nul)]
Score = Annotated[float, Field(ge=0.0, le=1.0)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_no_nul)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_json_value)]
Role = Literal["user", "admin"]
DisplayName = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(_no_nul)
]
Archetype = Annotated[str, StringConstraints(max_length=100), AfterValidator(_no_nul)]
PersonaType = Annotated[
    str, StringConstraints(min_length=1, max_length=50), AfterValidator(_no_nul)
]


def _fingerprint(value: object) -> object:
    """Accept a :class:`StyleProfile` or its JSON object; reject anything else."""
    if value is None:
        return None
    if isinstance(value, StyleProfile):
        return json.loads(value.to_json())
    if not isinstance(value, dict):
        raise ValueError("linguistic_fingerprint must be a serialised StyleProfile (an object)")
    _finite(value)
    try:
        StyleProfile.from_json(json.dumps(value))
    except ProfileError as exc:
        raise ValueError(f"linguistic_fingerprint is not a StyleProfile: {exc.message}") from exc
    return value


class PersonaFields(BaseModel):
    """The writable fields of a persona, shared by create, update and definitions files."""

    model_config = ConfigDict(extra="forbid")

    name: PersonaName = Field(description="Unique per owner; letters, digits, space, _ . -")
    display_name: DisplayName | None = Field(
        default=None, description="Shown to people; defaults to the name."
    )
    role: ShortText = Field(default="", description="What the persona is, in a line.")
    archetype: Archetype | None = None
    core_belief: LongText | None = None
    system_prompt: LongText = ""
    context: LongText = ""
    expertise: list[Tag] = Field(default_factory=list, max_length=200)
    response_format: LongText = ""
    persona_type: PersonaType = "standard"
    tonal_range: JsonObject = Field(default_factory=dict)
    stylistic_constraints: JsonObject = Field(default_factory=dict)
    linguistic_fingerprint: dict[str, Any] | None = Field(
        default=None, description="A serialised StyleProfile: measured by personae.style."
    )
    confidence_score: Score | None = None
    scenario: LongText = ""
    greeting: LongText = Field(default="", description="The persona's first chat message.")
    example_dialogue: LongText = ""
    card_extensions: JsonObject | None = Field(
        default=None,
        description="Character-card fields with no persona column, kept for lossless export.",
    )
    is_active: bool = True

    _check_fingerprint = field_validator("linguistic_fingerprint", mode="before")(_fingerprint)


class PersonaCreate(PersonaFields):
    """A new persona. ``display_name`` defaults to ``name``.

    Examples
    --------
    >>> PersonaCreate(name="analyst", role="Data analyst").display_name
    'analyst'
    """

    @model_validator(mode="after")
    def _default_display_name(self) -> PersonaCreate:
        if self.display_name is None:
            self.display_name = self.name
        return self


_NOT_NULL = frozenset(
    {
        "name",
        "display_name",
        "role",
        "system_prompt",
        "context",
        "expertise",
        "response_format",
        "persona_type",
        "tonal_range",
        "stylistic_constraints",
        "scenario",
        "greeting",
        "example_dialogue",
        "is_active",
    }
)


class PersonaUpdate(BaseModel):
    """A change to a persona: only the fields that are set change.

    ``version`` is the version the caller read; if the persona has moved on since, the
    update is refused with :class:`~personae.errors.VersionConflictError` and nothing is
    written. ``message`` is recorded in the version history.
    """

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=MAX_INT, description="The version the change was made against.")
    message: Annotated[str, StringConstraints(max_length=1000), AfterValidator(_no_nul)] = ""

    name: PersonaName | None = None
    display_name: DisplayName | None = None
    role: ShortText | None = None
    archetype: Archetype | None = None
    core_belief: LongText | None = None
    system_prompt: LongText | None = None
    context: LongText | None = None
    expertise: list[Tag] | None = Field(default=None, max_length=200)
    response_format: LongText | None = None
    persona_type: PersonaType | None = None
    tonal_range: JsonObject | None = None
    stylistic_constraints: JsonObject | None = None
    linguistic_fingerprint: dict[str, Any] | None = None
    confidence_score: Score | None = None
    scenario: LongText | None = None
    greeting: LongText | None = None
    example_dialogue: LongText | None = None
    card_extensions: JsonObject | None = None
    is_active: bool | None = None

    _check_fingerprint = field_validator("linguistic_fingerprint", mode="before")(_fingerprint)

    @model_validator(mode="after")
    def _no_null_for_required(self) -> PersonaUpdate:
        nulled = sorted(f for f in self.model_fields_set & _NOT_NULL if getattr(self, f) is None)
        if nulled:
            raise ValueError(f"these fields cannot be null: {', '.join(nulled)}")
        return self

    def changes(self) -> dict[str, Any]:
        """The persona fields this update sets (explicit ``None`` included)."""
        return self.model_dump(exclude_unset=True, exclude={"version", "message"})


class PersonaPublic(BaseModel):
    """A persona as callers see it (API responses, exports)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    owner_id: int
    name: str
    display_name: str
    role: str
    archetype: str | None
    core_belief: str | None
    system_prompt: str
    context: str
    expertise: list[str]
    response_format: str
    persona_type: str
    tonal_range: dict[str, Any]
    stylistic_constraints: dict[str, Any]
    linguistic_fingerprint: dict[str, Any] | None
    confidence_score: float | None
    scenario: str
    greeting: str
    example_dialogue: str
    card_extensions: dict[str, Any] | None
    version: int
    is_active: bool
    created_at: datetime
    updated_at: datetime


class PersonaVersionPublic(BaseModel):
    """One immutable entry of a persona's history."""

    model_config = ConfigDict(from_attributes=True)

    persona_id: int
    version: int
    snapshot: dict[str, Any]
    author_id: int | None
    message: str
    created_at: datetime


class FieldChange(BaseModel):
    """One field that differs between two states of a persona."""

    field: str
    old: Any
    new: Any


class PersonaDiff(BaseModel):
    """The field-level difference between two versions of a persona."""

    persona_id: int
    from_version: int
    to_version: int
    changes: list[FieldChange]


class UserCreate(BaseModel):
    """A new user. The password is hashed by the caller (the auth layer), never here."""

    model_config = ConfigDict(extra="forbid")

    email: Annotated[
        str,
        StringConstraints(min_length=3, max_length=320, pattern=r"^\S+@\S+$"),
        AfterValidator(_no_nul),
    ]
    password_hash: Annotated[
        str, StringConstraints(min_length=1, max_length=512), AfterValidator(_no_nul)
    ]
    role: Role = "user"


class UserPublic(BaseModel):
    """A user as callers see it: no password hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    role: str
    created_at: datetime


class ApiKeyPublic(BaseModel):
    """An API key as its owner sees it: the prefix, never the hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    owner_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


class SyncIssue(BaseModel):
    """An entry of a definitions file that failed validation, and where it is."""

    path: str = Field(description='Where in the file, e.g. "personas[3].name".')
    message: str


class SyncReport(BaseModel):
    """What a definitions sync did (or, with ``dry_run``, would do)."""

    dry_run: bool
    created: list[str] = Field(default_factory=list)
    updated: dict[str, list[FieldChange]] = Field(default_factory=dict)
    deactivated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    invalid: list[SyncIssue] = Field(default_factory=list)

    @property
    def change_count(self) -> int:
        """How many personas were (or would be) created, updated or deactivated."""
        return len(self.created) + len(self.updated) + len(self.deactivated)
