"""Request and response bodies of the HTTP API that the store does not already define.

The store's schemas (``PersonaUpdate``, ``PersonaPublic``, ``PersonaVersionPublic``,
``PersonaDiff``, ``UserPublic``, ``ApiKeyPublic``, ``SyncReport``) are used as they are;
the models here add what only HTTP needs: credentials, pages, summaries, and the
quality, feedback and analytics reports. Every integer that reaches a query is bounded
by :data:`~personae.store._schemas.MAX_INT` and no text may hold a NUL character, so bad
input is a 422 on every database backend.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from personae.persona import (
    AnalyticsReport,
    DailyRatings,
    MetricStats,
    RatingPoint,
    VersionStats,
)
from personae.store import (
    MAX_INT,
    ApiKeyPublic,
    JsonObject,
    PersonaFields,
    PersonaPublic,
    UserPublic,
)

__all__ = [
    "PLATFORM_PATTERN",
    "AccountDeleted",
    "AnalyticsReport",
    "AnalyzeRequest",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "DailyRatings",
    "Deleted",
    "FeedbackRequest",
    "FeedbackResult",
    "FeedbackStats",
    "HealthReport",
    "LabelPublic",
    "LabelRequest",
    "LoginRequest",
    "LogoutResult",
    "MatchRequest",
    "MetricStats",
    "Page",
    "PersonaCreateRequest",
    "PersonaSummary",
    "PlatformPersonaPublic",
    "PlatformPersonaUpsert",
    "ProfileStats",
    "QualityReport",
    "RatingPoint",
    "RefreshRequest",
    "RegisterRequest",
    "RegisterResult",
    "RequestLLMSpec",
    "RollbackRequest",
    "TokenResponse",
    "ValidationResultPublic",
    "VersionStats",
    "VersionSummary",
]

T = TypeVar("T")


def _no_nul(value: str) -> str:
    """Refuse NUL characters, which PostgreSQL text cannot hold (a 422, not a 500)."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL (\\x00) characters")
    return value


PLATFORM_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,49}$"
"""A platform name: lower-case letters, digits, ``_`` and ``-`` (``linkedin``, ``blog``)."""

MAX_WRITING_SAMPLES = 100
"""Most writing samples one request may send (each is analysed on the request's time)."""

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=320, pattern=r"^\S+@\S+$"),
    AfterValidator(_no_nul),
]
Password = Annotated[str, StringConstraints(max_length=1024), AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
Version = Annotated[int, Field(ge=1, le=MAX_INT)]
Message = Annotated[str, StringConstraints(max_length=1000), AfterValidator(_no_nul)]
SampleText = str  # style.analyze refuses NULs itself (BinaryInputError, with a clear message)


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- auth -------------------------------------------------------------------------------


class RegisterRequest(_Request):
    """A new account. The password must have 8 to 256 characters (NIST SP 800-63B)."""

    email: Email
    password: Password = Field(description="8 to 256 characters; never stored or returned.")


class LoginRequest(_Request):
    """E-mail and password, exchanged for an access and a refresh token."""

    email: Email
    password: Password


class RefreshRequest(_Request):
    """A refresh token, exchanged for a new pair."""

    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class TokenResponse(BaseModel):
    """Tokens to send as ``Authorization: Bearer <access_token>`` (OAuth 2 field names)."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds the access token is valid.")


def _no_server_path(spec: str) -> str:
    provider, sep, model = spec.strip().partition(":")
    if provider.strip().lower() == "local" and sep and model.strip():
        raise ValueError(
            "a request may ask for the local model ('local') but not name a file: the "
            "model file is the server's setting (PERSONAE_LLM_MODEL_PATH)"
        )
    return spec


RequestLLMSpec = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_no_server_path),
    Field(description="Model to use instead of PERSONAE_LLM: 'local', 'openai:gpt-4o-mini' …"),
]
"""A model spec from a request: like ``PERSONAE_LLM``, except that it never names a file
on the server (``local:<path>`` was a file-existence oracle)."""


class LogoutResult(BaseModel):
    """What a sign-out did."""

    revoked: bool = Field(description="The sign-in was live and is now ended.")


class RegisterResult(BaseModel):
    """The new account and a first pair of tokens, so no separate login is needed."""

    user: UserPublic
    tokens: TokenResponse


class ApiKeyCreate(_Request):
    """A name for a new API key, to tell keys apart later."""

    name: Annotated[
        str, StringConstraints(min_length=1, max_length=100), AfterValidator(_no_nul)
    ] = Field(description="e.g. 'ci-pipeline'.")


class ApiKeyCreated(BaseModel):
    """A new API key. ``api_key`` is shown this once and never again: store it now."""

    key: ApiKeyPublic
    api_key: str = Field(description="The key itself: send it as 'Authorization: Bearer …'.")


class AccountDeleted(BaseModel):
    """The account and everything it owned are gone."""

    id: int
    deleted: Literal[True] = True


# -- personas ---------------------------------------------------------------------------


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items`` from ``offset``, at most ``limit``, of ``total``."""

    items: list[T]
    total: int
    offset: int
    limit: int


class PersonaSummary(BaseModel):
    """A persona in a list: everything but the long texts and the fingerprint."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    owner_id: int
    name: str
    display_name: str
    role: str
    archetype: str | None
    persona_type: str
    confidence_score: float | None
    version: int
    is_active: bool
    created_at: datetime
    updated_at: datetime


class PersonaCreateRequest(PersonaFields):
    """A new persona: its fields, and optionally writing samples to measure its voice.

    With ``writing_samples`` the linguistic fingerprint is *measured* from them by
    ``personae.style`` (``StyleProfile.from_texts``); it is never accepted alongside them.
    """

    writing_samples: list[SampleText] = Field(
        default_factory=list,
        max_length=MAX_WRITING_SAMPLES,
        description="Texts the persona wrote; their measured voice becomes the fingerprint.",
    )


class Deleted(BaseModel):
    """What a delete removed."""

    id: int
    deleted: Literal[True] = True


class VersionSummary(BaseModel):
    """One entry of a persona's history, without its snapshot."""

    model_config = ConfigDict(from_attributes=True)

    persona_id: int
    version: int
    author_id: int | None
    message: str
    created_at: datetime


class RollbackRequest(_Request):
    """Make the persona equal to ``to_version`` again, as a new version."""

    to_version: Version = Field(description="The earlier version to restore.")
    version: Version = Field(description="The version the caller read (optimistic check).")
    message: Message | None = None


class LabelRequest(_Request):
    """Point a label at one version."""

    version: Version


class LabelPublic(BaseModel):
    """A label and the version it points at."""

    label: str
    version: int


# -- platforms --------------------------------------------------------------------------


class PlatformPersonaPublic(BaseModel):
    """A persona adapted to one platform."""

    model_config = ConfigDict(from_attributes=True)

    persona_id: int
    platform: str
    platform_specific_data: dict[str, Any]
    optimization_strategies: dict[str, Any]
    quality_metrics: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class PlatformPersonaUpsert(_Request):
    """Fields of a platform adaptation; the ones given replace what is stored."""

    platform_specific_data: JsonObject | None = None
    optimization_strategies: JsonObject | None = None
    quality_metrics: JsonObject | None = None


# -- style ------------------------------------------------------------------------------


class AnalyzeRequest(_Request):
    """A text to measure."""

    text: str = Field(description="The text; at most PERSONAE_MAX_TEXT_CHARS characters.")


class MatchRequest(_Request):
    """A text to judge against the persona's voice, optionally against rival personas."""

    text: str = Field(description="The text to judge; at least 25 words.")
    against: list[Id] = Field(
        default_factory=list,
        max_length=20,
        description="Ids of the caller's other personas the text could belong to.",
    )


class VerifyRequest(_Request):
    """A text to judge against the persona's voice alone: is it in this voice?"""

    text: str = Field(description="The text to judge; at least 25 words.")


# -- quality, feedback, analytics -------------------------------------------------------


class FeedbackRequest(_Request):
    """A rating of the persona's output, and optionally the text as the user fixed it.

    An ``edited_text`` is added to the persona's measured voice
    (``StyleProfile.update``), which is stored as a new version.
    """

    rating: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent).")
    comment: Annotated[str, StringConstraints(max_length=2000), AfterValidator(_no_nul)] = ""
    edited_text: SampleText | None = Field(
        default=None, description="The output as the user corrected it: their real voice."
    )
    version: Version | None = Field(
        default=None,
        description="The version the caller read; with edited_text, a changed persona is a 409.",
    )


class FeedbackResult(BaseModel):
    """What the feedback changed."""

    feedback_id: int
    rating: int
    profile_updated: bool
    edit_match_score: float | None = Field(
        description="How well the edited text matched the voice before it was added (0..1); "
        "null when there was no edited text, no voice yet, or too few words to judge."
    )
    persona: PersonaPublic


class ProfileStats(BaseModel):
    """How much writing the measured voice rests on."""

    name: str
    sample_count: int
    word_count: int
    english_samples: int
    dimensions: int


class ValidationResultPublic(BaseModel):
    """One stored quality check."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    validation_status: str
    metrics: dict[str, Any]
    created_at: datetime


class FeedbackStats(BaseModel):
    """Ratings received."""

    count: int
    mean_rating: float | None


class QualityReport(BaseModel):
    """Stored and computed quality facts about a persona; nothing here is estimated."""

    persona_id: int
    version: int
    confidence_score: float | None
    profile: ProfileStats | None = Field(description="null when no voice has been measured.")
    validation_results: list[ValidationResultPublic] = Field(description="Newest first.")
    feedback: FeedbackStats


# -- health -----------------------------------------------------------------------------


class HealthReport(BaseModel):
    """Whether the service can do its work."""

    status: Literal["ok"]
    version: str
    database: Literal["ok"]
    cache: Literal["memory", "redis", "none"] = Field(
        description="Where persona reads are cached: in-process, Redis, or nowhere."
    )
    redis: Literal["ok", "unavailable"] | None = Field(
        description="Whether Redis answered its last call; null without Redis."
    )
