"""The one settings class. Nothing else in personae reads ``os.environ``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEVELOPMENT_SECRET_KEY", "Settings", "get_settings"]

DEVELOPMENT_SECRET_KEY = "personae-development-secret-change-me-before-production"
"""The signing secret used when none is configured: fine on a laptop, refused in production."""

# Values people paste from tutorials; a production deployment must not sign tokens with them.
_PLACEHOLDER_SECRETS = frozenset(
    {DEVELOPMENT_SECRET_KEY, "changeme", "change-me", "changethis", "secret", "your-secret-key"}
)
_MIN_PRODUCTION_SECRET_CHARS = 32


def _without_values(exc: ValidationError) -> ValidationError:
    """The same errors with every input replaced: the environment holds secrets (API
    keys, the signing key), and a model-level error would print all of them."""
    errors: list[Any] = []
    for error in exc.errors(include_url=False):
        line: dict[str, Any] = {"type": error["type"], "loc": error["loc"], "input": "[hidden]"}
        if "ctx" in error:
            line["ctx"] = error["ctx"]
        errors.append(line)
    return ValidationError.from_exception_data(exc.title, errors)


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "personae"


class Settings(BaseSettings):
    """Configuration from ``PERSONAE_*`` environment variables (and a ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="PERSONAE_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default_factory=_default_data_dir, description="Where personae keeps its files."
    )
    max_text_chars: int = Field(
        default=20_000_000,
        gt=0,
        description="Largest text, in characters, that personae will analyse.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the store, e.g. postgresql+psycopg://user@host/db. "
            "Unset: a SQLite file, personae.db, in data_dir."
        ),
    )

    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description="Where personae runs; production refuses placeholder secrets.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SECRET_KEY),
        description=(
            "Signs access and refresh tokens (HS256). Must be a random string of at least "
            "32 characters in production, e.g. `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`."
        ),
    )
    access_token_minutes: int = Field(
        default=15, gt=0, description="Lifetime of an access token, in minutes."
    )
    refresh_token_days: int = Field(
        default=14, gt=0, description="Lifetime of a refresh token, in days."
    )
    rate_limit_per_minute: int = Field(
        default=120, gt=0, description="Requests each user or API key may make per minute."
    )
    redis_url: str | None = Field(
        default=None,
        description=(
            "Redis URL, e.g. redis://localhost:6379/0. Set: the cache and the rate limits "
            "are shared by all workers through it. Unset: both stay in each process."
        ),
    )
    cache_ttl_seconds: int = Field(
        default=300, gt=0, description="How long a cached persona read may be reused, at most."
    )
    cache_enabled: bool = Field(
        default=True,
        description="Whether persona reads are cached; false sends every read to the database.",
    )
    redis_namespace: str = Field(
        default="personae",
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description=(
            "Prefix of every Redis key and channel personae uses, so deployments (or test "
            "runs) sharing one Redis stay apart."
        ),
    )

    trusted_proxies: str = Field(
        default="",
        description=(
            "Comma-separated addresses of reverse proxies whose X-Forwarded-For is "
            "believed (`personae serve` passes them to uvicorn). Empty: none, not even "
            "127.0.0.1, so a client cannot pick the address its rate limit counts."
        ),
    )
    host: str = Field(
        default="127.0.0.1",
        min_length=1,
        description="Interface `personae serve` listens on; 0.0.0.0 for every interface.",
    )
    port: int = Field(default=8000, ge=1, le=65535, description="Port `personae serve` uses.")
    max_request_bytes: int = Field(
        default=1_048_576,
        gt=0,
        description=(
            "Largest HTTP request body, in bytes; larger ones are refused with 413 before "
            "they are read."
        ),
    )
    auth_rate_limit_per_minute: int = Field(
        default=20,
        gt=0,
        description=(
            "Requests each client address may make per minute to the sign-in routes "
            "(register, login, refresh): a brake on password guessing."
        ),
    )
    job_runner: Literal["auto", "thread", "rq"] = Field(
        default="auto",
        description=(
            "Who runs background jobs: 'thread' (a thread of the server), 'rq' (RQ through "
            "Redis, run by `personae worker` processes) or 'auto' (rq when "
            "PERSONAE_REDIS_URL is set, else thread)."
        ),
    )
    job_timeout_seconds: int = Field(
        default=1800, gt=0, description="Longest a queued job may run in an RQ worker."
    )

    llm: str = Field(
        default="local",
        min_length=1,
        max_length=500,
        description=(
            "The language model: `local` (SmolLM2-135M-Instruct, offline), "
            "`local:/path/model.gguf`, `openai:MODEL`, `anthropic:MODEL` or `gemini:MODEL`."
        ),
    )
    llm_model_path: Path | None = Field(
        default=None,
        description="A GGUF file the `local` provider runs instead of the bundled SmolLM2 model.",
    )
    llm_timeout_seconds: float = Field(
        default=120.0,
        gt=0,
        le=3600,
        description="Longest a model call may take, retries included, in seconds.",
    )
    llm_max_retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description=(
            "Retries after a rate limit, timeout or connection error (with exponential "
            "back-off), and re-asks after an answer that does not fit the schema."
        ),
    )
    llm_context_tokens: int = Field(
        default=4096,
        ge=256,
        le=1_048_576,
        description="Context window, in tokens, the `local` provider allocates.",
    )
    llm_threads: int | None = Field(
        default=None,
        ge=1,
        le=512,
        description="CPU threads of the `local` provider; unset lets llama.cpp choose.",
    )
    llm_cache_enabled: bool = Field(
        default=True,
        description=(
            "Whether reproducible model answers (temperature 0, or a seed) are cached in "
            "the store and reused."
        ),
    )
    openai_api_key: SecretStr | None = Field(
        default=None, description="API key of the `openai` provider."
    )
    openai_base_url: str | None = Field(
        default=None,
        description=(
            "Base URL of any OpenAI-compatible server (Ollama, vLLM, a llama.cpp server, "
            "Gemini's or Kimi's compatible endpoints), e.g. http://localhost:11434/v1. "
            "With it, an API key is optional."
        ),
    )
    anthropic_api_key: SecretStr | None = Field(
        default=None, description="API key of the `anthropic` provider."
    )
    gemini_api_key: SecretStr | None = Field(
        default=None, description="API key of the `gemini` provider."
    )

    embedder: Literal["local", "openai"] = Field(
        default="local",
        description=(
            "Who turns texts into vectors for memory search: `local` (all-MiniLM-L6-v2 on "
            "the CPU, offline) or `openai` (any OpenAI-compatible embeddings endpoint: "
            "embedding_base_url, embedding_api_key, embedding_model)."
        ),
    )
    embedding_model: str | None = Field(
        default=None,
        max_length=500,
        description=(
            "`openai`: the model name, e.g. text-embedding-3-small (required). `local`: a "
            "sentence-transformers model folder to use instead of the bundled "
            "all-MiniLM-L6-v2. Changing it needs the stored vectors re-embedded."
        ),
    )
    embedding_base_url: str | None = Field(
        default=None,
        description=(
            "Base URL of the OpenAI-compatible embeddings endpoint, e.g. "
            "http://localhost:11434/v1; unset means OpenAI's own."
        ),
    )
    embedding_api_key: SecretStr | None = Field(
        default=None,
        description="API key of the embeddings endpoint; optional for self-hosted servers.",
    )

    @field_validator("embedding_model", "embedding_base_url")
    @classmethod
    def _blank_embedding_setting_is_unset(cls, value: str | None) -> str | None:
        """An empty ``PERSONAE_EMBEDDING_…=`` means "not set", not an empty name or URL."""
        if value is None or not value.strip():
            return None
        return value.strip()

    @field_validator("embedding_api_key")
    @classmethod
    def _blank_embedding_key_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        """An empty ``PERSONAE_EMBEDDING_API_KEY=`` means no key."""
        if value is None or not value.get_secret_value().strip():
            return None
        return SecretStr(value.get_secret_value().strip())

    strategy_policy: Literal["linucb", "thompson", "epsilon_greedy", "random"] = Field(
        default="linucb",
        description=(
            "The bandit policy that recommends content strategies: `linucb` (contextual, "
            "learns across topics, formats, hours and audience clusters; the default), "
            "`thompson` (Gaussian Thompson sampling per strategy), `epsilon_greedy` "
            "(seed 003's, with decay) or `random`."
        ),
    )
    content_settle_hours: float = Field(
        default=48.0,
        ge=0.0,
        le=24.0 * 90,
        description=(
            "Hours after publishing when a piece's engagement counts as settled: its reward "
            "is computed and the strategy policy learns from it (personae.content)."
        ),
    )
    topic_check: Literal["auto", "embeddings", "keywords"] = Field(
        default="auto",
        description=(
            "How a draft is judged on topic before it counts as written: `embeddings` "
            "(all-MiniLM-L6-v2 against the brief, sentence by sentence; needs the "
            "embeddings extra), `keywords` (the brief's key words), or `auto` (embeddings "
            "when installed, else key words)."
        ),
    )
    publish_allow_private_urls: bool = Field(
        default=False,
        description=(
            "Let webhook publishers send to loopback, private, link-local or reserved "
            "addresses (a receiver on this machine or the local network). Off by default: "
            "a user's webhook URL must not reach the server's own network (SSRF)."
        ),
    )
    content_scheduler_seconds: float = Field(
        default=30.0,
        ge=0.0,
        le=3600.0,
        description=(
            "How often the server looks for scheduled pieces whose time has come (and queues "
            "a job that publishes them); 0 turns the scheduler off."
        ),
    )

    chat_recent_messages: int = Field(
        default=12, ge=0, le=200, description="Recent messages of a session a chat turn sees."
    )
    chat_memory_k: int = Field(
        default=5, ge=0, le=50, description="Memories retrieved into the prompt of a chat turn."
    )
    chat_prompt_budget_tokens: int = Field(
        default=1536,
        ge=128,
        le=200_000,
        description=(
            "Most prompt tokens a chat turn sends (estimated); the oldest messages and the "
            "lowest-ranked memories are dropped first to stay under it."
        ),
    )
    chat_max_reply_tokens: int = Field(
        default=300, ge=8, le=8192, description="Most tokens a persona's chat reply may have."
    )
    chat_summarize_every: int = Field(
        default=6,
        ge=1,
        le=1000,
        description="Summarise a session into memories every this many persona replies.",
    )
    memory_dedup_threshold: float = Field(
        default=0.9,
        ge=0.5,
        le=1.0,
        description="Cosine at or above which a new memory is merged into an existing one.",
    )
    memory_echo_threshold: float = Field(
        default=0.8,
        ge=0.3,
        le=1.0,
        description=(
            "Cosine to the persona's own prompt/description at or above which a memory "
            "candidate is refused as an echo."
        ),
    )
    memory_ttl_days: int | None = Field(
        default=None,
        ge=1,
        description="Days a memory lives unless it is accessed again; unset keeps them.",
    )

    # -- operating it (issue 18): metrics, CORS, spend ----------------------------------
    metrics: Literal["off", "on"] = Field(
        default="on",
        description=(
            "Serve Prometheus metrics at /metrics. With PERSONAE_METRICS_TOKEN set, a "
            "scraper must send it as 'Authorization: Bearer <token>'."
        ),
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="The bearer token /metrics requires; unset: none."
    )
    prometheus_multiproc_dir: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("PROMETHEUS_MULTIPROC_DIR", "prometheus_multiproc_dir"),
        description=(
            "prometheus-client's folder for several uvicorn workers (its own variable, "
            "PROMETHEUS_MULTIPROC_DIR): /metrics then merges every worker's values."
        ),
    )
    cors_origins: str = Field(
        default="",
        description=(
            "Comma-separated origins (https://app.example.org) whose browser pages may call "
            "the API; empty: none (same-origin only). '*' allows any origin, without "
            "credentials."
        ),
    )
    token_budget_monthly: int | None = Field(
        default=None,
        ge=1,
        description=(
            "Model tokens (prompt + completion) each user may spend per calendar month "
            "(UTC); past it, model calls are refused with 429. Unset: no budget."
        ),
    )
    llm_prices: str = Field(
        default="",
        description=(
            "Price table for GET /api/usage's estimated cost, USD per million tokens: "
            "'provider:model=input/output' entries separated by commas, e.g. "
            "'openai:gpt-4o-mini=0.15/0.60'; a provider alone ('local=0/0') covers its "
            "models. Unlisted models cost nothing in the estimate."
        ),
    )

    @field_validator("database_url")
    @classmethod
    def _blank_url_is_unset(cls, value: str | None) -> str | None:
        """An empty ``PERSONAE_DATABASE_URL=`` means "use the default", not a broken URL."""
        if value is None or not value.strip():
            return None
        return value.strip()

    @field_validator("openai_base_url")
    @classmethod
    def _blank_base_url_is_unset(cls, value: str | None) -> str | None:
        """An empty ``PERSONAE_OPENAI_BASE_URL=`` means OpenAI's own endpoint."""
        if value is None or not value.strip():
            return None
        return value.strip()

    @field_validator("openai_api_key", "anthropic_api_key", "gemini_api_key")
    @classmethod
    def _blank_key_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        """An empty ``PERSONAE_…_API_KEY=`` means no key, so the error says so clearly."""
        if value is None or not value.get_secret_value().strip():
            return None
        return SecretStr(value.get_secret_value().strip())

    @field_validator(
        "token_budget_monthly", "metrics_token", "prometheus_multiproc_dir", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """An empty ``PERSONAE_TOKEN_BUDGET_MONTHLY=`` (or metrics token) means unset."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("redis_url")
    @classmethod
    def _blank_redis_url_is_unset(cls, value: str | None) -> str | None:
        """An empty ``PERSONAE_REDIS_URL=`` means "no Redis", not a broken URL."""
        if value is None or not value.strip():
            return None
        return value.strip()

    def __init__(self, **values: Any) -> None:
        """Read the settings; a refusal names the setting, never its value."""
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise _without_values(exc) from None

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> Settings:
        """Refuse to run production on a secret anyone can read in this file or a tutorial.

        Anyone who knows the secret can mint an admin token, so a placeholder or a short
        secret is a configuration error, not a warning. Development and test keep working
        without any configuration.
        """
        if self.environment != "production":
            return self
        secret = self.secret_key.get_secret_value()
        if secret.strip().lower() in _PLACEHOLDER_SECRETS:
            raise ValueError(
                "PERSONAE_SECRET_KEY is a placeholder; set a random secret in production"
            )
        if len(secret) < _MIN_PRODUCTION_SECRET_CHARS:
            raise ValueError(
                f"PERSONAE_SECRET_KEY has {len(secret)} characters; production needs at "
                f"least {_MIN_PRODUCTION_SECRET_CHARS}"
            )
        return self

    def resolved_database_url(self) -> str:
        """The store's URL: ``database_url``, or ``sqlite:///<data_dir>/personae.db``.

        Pure: the store creates the SQLite file's folder when it opens the database, so
        reading settings never touches the disk.
        """
        if self.database_url is not None:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'personae.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
