"""What callers send to and get back from the content library (HTTP bodies, CLI JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from personae.store import MAX_INT

__all__ = [
    "MAX_CONTENT_CHARS",
    "ContentPage",
    "ContentPieceDetail",
    "ContentPiecePublic",
    "DraftCreate",
    "EditPublic",
    "EditRequest",
    "PublishAttemptPublic",
    "PublishRequest",
    "PublisherCreate",
    "PublisherPublic",
    "ScheduleRequest",
    "Status",
]

MAX_CONTENT_CHARS = 100_000
"""Longest text a piece may hold."""

Status = Literal["draft", "approved", "scheduled", "published", "archived"]
PlatformName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,49}$")]
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_CONTENT_CHARS)]
PublisherName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,49}$")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DraftCreate(_Body):
    """A text to keep as a draft (what generation saves, or one written by hand)."""

    persona_id: Id
    platform: PlatformName
    text: Text
    brief: Annotated[str, StringConstraints(max_length=4000)] = ""
    strategy_id: Id | None = None
    episode_id: Id | None = Field(default=None, description="The strategy decision it follows.")
    experiment_id: Id | None = Field(default=None, description="The A/B test it belongs to.")
    variant: Annotated[str, StringConstraints(max_length=50)] | None = Field(
        default=None, description="Its variant in the test (see allocate)."
    )


class EditRequest(_Body):
    """A person's change to a piece's text; with ``feedback``, the persona learns from it."""

    text: Text
    note: Annotated[str, StringConstraints(max_length=2000)] = ""
    feedback: bool = Field(
        default=False,
        description="Also add the edited text to the persona's voice (one new version).",
    )


class ScheduleRequest(_Body):
    """When to publish, and through which of your publishers."""

    at: datetime | None = Field(
        default=None,
        description="When (ISO 8601; no offset means UTC). Unset: the next of the strategy's "
        "best posting hours for this platform (for the audience cluster named).",
    )
    publisher: PublisherName = Field(default="manual", description="One of your publishers.")
    audience_cluster_id: Annotated[int, Field(ge=1, le=MAX_INT)] | None = Field(
        default=None,
        description="Without `at`: the best hour of this audience cluster (GET "
        "/api/content/{id}/posting-times lists them), not of all audiences.",
    )


class PublishRequest(_Body):
    """Publish now. With the ``manual`` publisher, say where it went."""

    publisher: PublisherName | None = Field(
        default=None, description="Unset: the one the piece was scheduled with, else manual."
    )
    external_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    url: Annotated[str, StringConstraints(max_length=2000)] | None = None


class PublisherCreate(_Body):
    """A publisher: ``webhook`` (POSTs signed JSON to ``url``) or ``manual``."""

    name: PublisherName
    kind: PublisherName = Field(description="An installed publisher plugin: webhook, manual …")
    url: Annotated[str, StringConstraints(max_length=2000)] | None = None
    secret: Annotated[str, StringConstraints(min_length=16, max_length=200)] | None = Field(
        default=None, description="Signs webhook bodies (HMAC-SHA256); never shown again."
    )
    max_attempts: Annotated[int, Field(ge=1, le=10)] = 4


class PublisherPublic(BaseModel):
    """A publisher as its owner sees it (the secret is never shown)."""

    name: str
    kind: str
    url: str | None
    max_attempts: int
    signed: bool


class _Row(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ContentPiecePublic(_Row):
    """A piece of the library."""

    id: int
    persona_id: int
    persona_version: int
    platform: str
    brief: str
    text: str
    source: str
    status: str
    strategy_id: int | None
    episode_id: int | None
    experiment_id: int | None
    variant: str | None
    quality_score: float | None
    style_match: float | None
    scheduled_at: datetime | None
    published_at: datetime | None
    publisher: str | None
    external_id: str | None
    external_url: str | None
    publish_error: str | None
    settled_at: datetime | None
    reward: float | None
    created_at: datetime
    updated_at: datetime


class EditPublic(_Row):
    """One change a person made to the text."""

    id: int
    before: str
    after: str
    note: str
    fed_back: bool
    created_at: datetime


class PublishAttemptPublic(_Row):
    """One try at publishing."""

    id: int
    publisher: str
    attempt: int
    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: float
    created_at: datetime


class ContentPieceDetail(ContentPiecePublic):
    """A piece with its quality report at creation, edit history and publish attempts."""

    quality: dict[str, Any] | None
    edits: list[EditPublic]
    attempts: list[PublishAttemptPublic]


class ContentPage(BaseModel):
    """One page of a listing; ``next_offset`` is ``None`` on the last page."""

    items: list[ContentPiecePublic]
    total: int
    limit: int
    offset: int
    next_offset: int | None
