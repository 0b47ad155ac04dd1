"""The one exception tree of personae.

Every failure a user can cause or fix raises a subclass of :class:`PersonaeError`;
the CLI maps the tree to exit codes once, and the HTTP layer maps it to status codes
once, so no caller ever needs to catch a third-party exception.

::

    PersonaeError
    ├── InputError                  bad text or file handed to personae (HTTP 422, exit 2)
    │   ├── EmptyTextError          empty or whitespace-only text
    │   ├── BinaryInputError        bytes that are not text (NULs, control characters, bad UTF-8)
    │   ├── TextTooShortError       too few words to judge; says how many are needed
    │   ├── TextTooLargeError       more characters than the configured limit
    │   ├── WeakPasswordError       a password the policy refuses (too short, too long, blank)
    │   └── NotEnoughDataError      too little engagement for what was asked (a reward, clusters)
    ├── ProfileError                a style profile that cannot be used (HTTP 422, exit 2)
    │   └── IncompatibleProfileError  a profile written by an unknown format version
    ├── NotFoundError               no such thing for this owner (HTTP 404, exit 2)
    │   ├── UserNotFoundError       unknown user id
    │   ├── PersonaNotFoundError    unknown persona, or another owner's
    │   ├── VersionNotFoundError    a persona version that was never written
    │   ├── LabelNotFoundError      a label (``production`` …) not set on the persona
    │   ├── JobNotFoundError        unknown background job, or another owner's
    │   ├── UnknownPlatformError    no installed platform plugin has this name
    │   ├── StrategyNotFoundError   unknown strategy, or another owner's
    │   ├── EpisodeNotFoundError    unknown learning episode, or another owner's
    │   ├── ClusterNotFoundError    unknown audience cluster, or another owner's
    │   ├── TraitNotFoundError      unknown trait, or one of another owner's personas
    │   ├── MemoryNotFoundError     unknown memory of the persona
    │   ├── ChatSessionNotFoundError  unknown chat session, or another owner's
    │   ├── ContentNotFoundError    unknown content piece, or another owner's
    │   ├── PublisherNotFoundError  no publisher of that name (or no plugin of that kind)
    │   └── ExperimentNotFoundError unknown A/B experiment, or another owner's
    ├── ConflictError               the write clashes with what is stored (HTTP 409, exit 2)
    │   ├── VersionConflictError    the persona changed since the caller read it
    │   ├── DuplicateNameError      the owner already has a persona of that name
    │   ├── DuplicateEmailError     a user with that e-mail already exists
    │   ├── EmbedderMismatchError   vectors of another embedder or dimension than an index holds
    │   └── FeedbackConflictError   the decision was already rewarded, or learning raced another
    ├── SyncError                   a definitions file that cannot be synced (HTTP 422, exit 2)
    │   └── InvalidDefinitionError  entries fail validation and ``strict`` refuses the file
    ├── CardError                   a character card that cannot be read (HTTP 422, exit 2)
    ├── AuthError                   the caller is not who they claim to be (HTTP 401, exit 2)
    │   ├── InvalidCredentialsError wrong e-mail or password, or an unknown API key
    │   ├── TokenExpiredError       a token past its expiry: refresh it or sign in again
    │   └── InvalidTokenError       a forged, tampered, malformed or wrong-type token
    ├── PermissionDeniedError       signed in, but the role does not allow it (HTTP 403, exit 2)
    ├── RateLimitedError            too many requests; says when to retry (HTTP 429, exit 2)
    │   └── TokenBudgetExceededError  the user's monthly model-token budget is spent
    ├── LLMError                    a language model call failed (HTTP 502, exit 2)
    │   ├── LLMSpecError            a model spec that is malformed or names no provider (HTTP 422)
    │   ├── LLMRequestError         the model refuses the request as sent, e.g. a prompt
    │   │                           longer than its context window (HTTP 422)
    │   ├── LLMUnavailableError     provider not installed or configured, model file missing,
    │   │   │                       credentials refused (HTTP 503)
    │   │   └── LLMTransientError   rate limited, unreachable or overloaded, still so after
    │   │                           the bounded retries (HTTP 503)
    │   ├── LLMTimeoutError         no answer within the call's timeout (HTTP 504)
    │   └── LLMOutputError          no valid structured answer after repairs and retries (HTTP 502)
    ├── EmbeddingError              the embedder cannot embed: model not installed, endpoint
    │                               down or refusing, an answer of the wrong shape (HTTP 503)
    └── StoreError                  the database cannot be reached or is not migrated
                                    (HTTP 503, exit 2)
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "BinaryInputError",
    "CardError",
    "ChatSessionNotFoundError",
    "ClusterNotFoundError",
    "ConflictError",
    "ContentNotFoundError",
    "DuplicateEmailError",
    "DuplicateNameError",
    "EmbedderMismatchError",
    "EmbeddingError",
    "EmptyTextError",
    "EpisodeNotFoundError",
    "ExperimentNotFoundError",
    "FeedbackConflictError",
    "IncompatibleProfileError",
    "InputError",
    "InvalidCredentialsError",
    "InvalidDefinitionError",
    "InvalidTokenError",
    "JobNotFoundError",
    "LLMError",
    "LLMOutputError",
    "LLMRequestError",
    "LLMSpecError",
    "LLMTimeoutError",
    "LLMTransientError",
    "LLMUnavailableError",
    "LabelNotFoundError",
    "MemoryNotFoundError",
    "NotEnoughDataError",
    "NotFoundError",
    "PermissionDeniedError",
    "PersonaNotFoundError",
    "PersonaeError",
    "ProfileError",
    "PublisherNotFoundError",
    "RateLimitedError",
    "StoreError",
    "StrategyNotFoundError",
    "SyncError",
    "TextTooLargeError",
    "TextTooShortError",
    "TokenBudgetExceededError",
    "TokenExpiredError",
    "TraitNotFoundError",
    "UnknownPlatformError",
    "UserNotFoundError",
    "VersionConflictError",
    "VersionNotFoundError",
    "WeakPasswordError",
]


class PersonaeError(Exception):
    """Base class of every error personae raises on purpose.

    ``code`` is a stable machine-readable name (used in API error envelopes);
    the message is written for the person who has to fix the input.
    """

    code: str = "personae_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, object] = details


class InputError(PersonaeError):
    """The text or file given to personae cannot be used as it is."""

    code = "invalid_input"


class EmptyTextError(InputError):
    """The text is empty, whitespace only, or holds no words at all."""

    code = "empty_text"


class BinaryInputError(InputError):
    """The input looks like binary data rather than text."""

    code = "binary_input"


class TextTooShortError(InputError):
    """Too few words to judge a voice reliably."""

    code = "text_too_short"

    def __init__(self, *, words: int, needed: int, what: str = "judge a style") -> None:
        super().__init__(
            f"text has {words} word{'s' if words != 1 else ''}; at least {needed} words "
            f"are needed to {what}",
            words=words,
            needed=needed,
        )
        self.words = words
        self.needed = needed


class TextTooLargeError(InputError):
    """The text is longer than the configured limit."""

    code = "text_too_large"

    def __init__(self, *, size: int, limit: int) -> None:
        super().__init__(
            f"text has {size:,} characters; the limit is {limit:,} (split it into smaller samples)",
            size=size,
            limit=limit,
        )
        self.size = size
        self.limit = limit


class WeakPasswordError(InputError):
    """The password policy refuses this password.

    ``details["reason"]`` is ``"blank"``, ``"too_short"`` or ``"too_long"`` so a client can
    point at the exact rule without parsing the message.
    """

    code = "weak_password"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason


class NotEnoughDataError(InputError):
    """Too little engagement data for what was asked: a reward needs a reach to measure
    against, clustering needs enough audience members. The message says what to import."""

    code = "not_enough_data"


class ProfileError(PersonaeError):
    """A style profile cannot be used (corrupt, empty or from another version)."""

    code = "invalid_profile"


class IncompatibleProfileError(ProfileError):
    """A profile serialised by a format version this release cannot read."""

    code = "incompatible_profile"


class NotFoundError(PersonaeError):
    """The thing asked for does not exist, or belongs to another owner.

    Another owner's rows are reported exactly like missing ones, so ids leak nothing.
    """

    code = "not_found"


class UserNotFoundError(NotFoundError):
    """No user has this id."""

    code = "user_not_found"


class PersonaNotFoundError(NotFoundError):
    """The owner has no persona with this id or name."""

    code = "persona_not_found"


class VersionNotFoundError(NotFoundError):
    """The persona never had this version."""

    code = "version_not_found"


class JobNotFoundError(NotFoundError):
    """No background job with this id for this owner."""

    code = "job_not_found"


class LabelNotFoundError(NotFoundError):
    """The label (``production``, ``staging`` …) is not set on the persona."""

    code = "label_not_found"


class UnknownPlatformError(NotFoundError):
    """No installed platform plugin has this name (``linkedin``, ``x`` …).

    ``details["known"]`` lists the names that are available, so a client can offer them.
    """

    code = "unknown_platform"

    def __init__(self, name: str, *, known: list[str]) -> None:
        super().__init__(
            f"unknown platform {name!r}; available: {', '.join(known) or 'none'}",
            platform=name,
            known=known,
        )
        self.platform = name
        self.known = known


class StrategyNotFoundError(NotFoundError):
    """The owner has no strategy with this id."""

    code = "strategy_not_found"


class EpisodeNotFoundError(NotFoundError):
    """The owner has no learning episode with this id (for this strategy)."""

    code = "episode_not_found"


class ClusterNotFoundError(NotFoundError):
    """The creator has no audience cluster with this id."""

    code = "cluster_not_found"


class TraitNotFoundError(NotFoundError):
    """The persona (or the owner, for core traits) has no trait with this id."""

    code = "trait_not_found"


class MemoryNotFoundError(NotFoundError):
    """The persona has no memory with this id."""

    code = "memory_not_found"


class ChatSessionNotFoundError(NotFoundError):
    """The owner has no chat session with this id."""

    code = "chat_session_not_found"


class ContentNotFoundError(NotFoundError):
    """The owner has no content piece with this id."""

    code = "content_not_found"


class PublisherNotFoundError(NotFoundError):
    """The owner has no publisher of this name, or no publisher plugin of this kind is
    installed (``details["known"]`` lists the installed kinds)."""

    code = "publisher_not_found"


class ExperimentNotFoundError(NotFoundError):
    """The owner has no A/B experiment with this id."""

    code = "experiment_not_found"


class ConflictError(PersonaeError):
    """The write clashes with what is stored now; re-read and try again."""

    code = "conflict"


class VersionConflictError(ConflictError):
    """The persona changed since the caller read it (optimistic concurrency).

    Nothing was written: re-read the persona, re-apply the change to the new version and
    send that version number.
    """

    code = "version_conflict"

    def __init__(self, *, persona_id: int, expected: int, actual: int | None) -> None:
        now = "it no longer exists" if actual is None else f"it is now at version {actual}"
        super().__init__(
            f"persona {persona_id} changed since version {expected} was read ({now}); "
            "re-read it and apply the change again",
            persona_id=persona_id,
            expected=expected,
            actual=actual,
        )


class DuplicateNameError(ConflictError):
    """The owner already has a persona with this name (names are unique per owner)."""

    code = "duplicate_name"


class DuplicateEmailError(ConflictError):
    """A user with this e-mail address already exists."""

    code = "duplicate_email"


class EmbedderMismatchError(ConflictError):
    """Vectors of another embedder, or another dimension, than a vector index holds.

    Cosine scores between two models' vectors mean nothing, so an index is bound to the
    embedder (name and dimension) that filled it. Changing ``PERSONAE_EMBEDDER`` or
    ``PERSONAE_EMBEDDING_MODEL`` needs the vectors re-embedded (drop the collection and
    add them again). ``details`` carries ``expected`` and ``actual``.
    """

    code = "embedder_mismatch"


class FeedbackConflictError(ConflictError):
    """The feedback cannot be applied as sent: the decision already has its reward, or the
    creator's policy was updated by another request meanwhile (send it again)."""

    code = "feedback_conflict"


class SyncError(PersonaeError):
    """A definitions file cannot be synced (not JSON/YAML, or not a definitions file)."""

    code = "sync_error"


class InvalidDefinitionError(SyncError):
    """Some entries of a definitions file fail validation and ``strict`` refuses the file.

    ``details["issues"]`` lists ``{"path": "personas[3].name", "message": …}`` for each.
    """

    code = "invalid_definition"


class CardError(PersonaeError):
    """A character card (JSON or PNG) cannot be read or written."""

    code = "invalid_card"


class AuthError(PersonaeError):
    """The caller could not be authenticated: no, wrong or unusable credentials.

    The HTTP layer answers 401 with a ``WWW-Authenticate: Bearer`` header. Messages never
    say whether an e-mail address exists.
    """

    code = "unauthenticated"


class InvalidCredentialsError(AuthError):
    """The e-mail and password do not match, or the API key is unknown or revoked."""

    code = "invalid_credentials"


class TokenExpiredError(AuthError):
    """A well-formed, genuinely signed token whose lifetime is over.

    Kept apart from :class:`InvalidTokenError` so a client knows to refresh rather than
    to sign in again.
    """

    code = "token_expired"


class InvalidTokenError(AuthError):
    """A token that is forged, tampered with, malformed, or of the wrong type."""

    code = "invalid_token"


class PermissionDeniedError(PersonaeError):
    """The caller is authenticated, but their role does not allow this action."""

    code = "permission_denied"


class RateLimitedError(PersonaeError):
    """The user or API key made too many requests in the current window.

    ``retry_after`` is whole seconds until the next request will be allowed; the HTTP
    layer sends it as the ``Retry-After`` header.
    """

    code = "rate_limited"

    def __init__(self, *, retry_after: int, limit: int | None = None) -> None:
        per = f" (limit: {limit} per window)" if limit is not None else ""
        super().__init__(
            f"too many requests{per}; retry in {retry_after} second"
            f"{'s' if retry_after != 1 else ''}",
            retry_after=retry_after,
            limit=limit,
        )
        self.retry_after = retry_after
        self.limit = limit


class TokenBudgetExceededError(RateLimitedError):
    """The user spent this month's model-token budget (``PERSONAE_TOKEN_BUDGET_MONTHLY``).

    ``retry_after`` is the seconds until the budget renews (the first of next month, UTC).
    """

    code = "token_budget_exceeded"

    def __init__(self, *, spent: int, budget: int, retry_after: int, renews: str) -> None:
        PersonaeError.__init__(
            self,
            f"this month's model budget is spent: {spent:,} of {budget:,} tokens used. "
            f"No more model calls until it renews on {renews} (UTC); an operator can raise "
            "PERSONAE_TOKEN_BUDGET_MONTHLY.",
            spent=spent,
            budget=budget,
            renews=renews,
            retry_after=retry_after,
        )
        self.retry_after = retry_after
        self.limit = budget


class LLMError(PersonaeError):
    """A call to a language model failed; the subclasses say why.

    ``details["provider"]`` and ``details["model"]`` name the model when it is known, so a
    message can point at the right configuration.
    """

    code = "llm_error"


class LLMSpecError(LLMError):
    """A model spec (``PERSONAE_LLM``, or one passed per call) that cannot be used.

    Specs look like ``local``, ``local:/path/model.gguf``, ``openai:gpt-4o-mini``,
    ``anthropic:MODEL`` or ``gemini:MODEL``.
    """

    code = "llm_spec_invalid"


class LLMRequestError(LLMError):
    """The model refuses the request as it was sent.

    A prompt longer than the context window, or a parameter the model does not accept:
    sending it again unchanged will fail again, so it is never retried.
    """

    code = "llm_request_refused"


class LLMUnavailableError(LLMError):
    """The model cannot be used here and now.

    Its SDK is not installed, its API key or model file is missing, or its provider
    refuses the credentials. The message says what to install or configure.
    """

    code = "llm_unavailable"


class LLMTransientError(LLMUnavailableError):
    """The provider is rate limiting, unreachable or overloaded.

    Calls that fail this way are retried with exponential back-off and jitter; this error
    is raised once the bounded retries are spent. ``retry_after`` is the provider's hint in
    seconds, when it gave one.
    """

    code = "llm_transient"

    def __init__(
        self, message: str, *, retry_after: float | None = None, **details: object
    ) -> None:
        super().__init__(message, retry_after=retry_after, **details)
        self.retry_after = retry_after


class LLMTimeoutError(LLMError):
    """The model gave no complete answer within the call's timeout."""

    code = "llm_timeout"


class LLMOutputError(LLMError):
    """The model's answer could not be turned into a valid object of the asked schema.

    Raised after the answer was repaired (code fences, surrounding prose, trailing commas,
    a truncated end) and the model was asked again with the validation error, a bounded
    number of times. ``details["last_output"]`` holds the last answer (cut to 2,000
    characters) and ``details["errors"]`` what was wrong with it.
    """

    code = "llm_output_invalid"


class EmbeddingError(PersonaeError):
    """The embedder could not turn texts into vectors.

    The local model's packages are missing, or the embeddings endpoint is unreachable,
    refuses the key or the request, or answers something that is not one vector per text.
    The message names the cause; nothing the caller sent is wrong, so retrying after the
    operator fixes the configuration works.
    """

    code = "embedding_failed"


class StoreError(PersonaeError):
    """The database cannot be reached, or its schema is older than this release."""

    code = "store_unavailable"
