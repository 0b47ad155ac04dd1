"""Settings: the store's URL comes from PERSONAE_DATABASE_URL or defaults to the data dir.

Also the auth, cache and rate-limit fields, and the refusal of placeholder secrets in
production.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from personae.config import DEVELOPMENT_SECRET_KEY, Settings


@pytest.mark.parametrize("value", [None, "", "   "])
def test_unset_database_url_is_a_sqlite_file_in_the_data_dir(
    tmp_path: Path, value: str | None
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=value, _env_file=None)
    assert settings.database_url is None
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path / 'personae.db'}"
    assert not (tmp_path / "personae.db").exists()  # reading settings touches nothing


def test_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONAE_DATABASE_URL", " postgresql+psycopg://u@h/db ")
    settings = Settings(_env_file=None)
    assert settings.resolved_database_url() == "postgresql+psycopg://u@h/db"


# -- auth, cache and rate limits -------------------------------------------------------

STRONG = "q7Vd9xL2mZ0pR4tY8wB1nC6eH3jK5sF0aG"


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_defaults() -> None:
    settings = _settings()
    assert settings.environment == "development"
    assert settings.secret_key.get_secret_value() == DEVELOPMENT_SECRET_KEY
    assert settings.access_token_minutes == 15
    assert settings.refresh_token_days == 14
    assert settings.rate_limit_per_minute == 120
    assert settings.redis_url is None
    assert settings.cache_ttl_seconds == 300


def test_the_secret_never_shows_in_reprs() -> None:
    assert STRONG not in repr(_settings(secret_key=STRONG))


@pytest.mark.parametrize("environment", ["development", "test"])
def test_the_default_secret_is_fine_outside_production(environment: str) -> None:
    assert _settings(environment=environment).environment == environment


@pytest.mark.parametrize(
    "secret", [None, DEVELOPMENT_SECRET_KEY, "changeme", " CHANGETHIS ", "secret", "short"]
)
def test_production_refuses_placeholder_or_short_secrets(secret: str | None) -> None:
    values: dict[str, object] = {"environment": "production"}
    if secret is not None:
        values["secret_key"] = secret
    with pytest.raises(ValidationError, match="PERSONAE_SECRET_KEY"):
        _settings(**values)


def test_production_accepts_a_real_secret() -> None:
    settings = _settings(environment="production", secret_key=STRONG)
    assert settings.secret_key.get_secret_value() == STRONG


def test_unknown_environments_are_refused() -> None:
    with pytest.raises(ValidationError):
        _settings(environment="staging")


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONAE_REDIS_URL", "redis://cache:6379/1")
    monkeypatch.setenv("PERSONAE_CACHE_TTL_SECONDS", "60")
    monkeypatch.setenv("PERSONAE_RATE_LIMIT_PER_MINUTE", "30")
    monkeypatch.setenv("PERSONAE_ENVIRONMENT", "production")
    monkeypatch.setenv("PERSONAE_SECRET_KEY", STRONG)
    settings = _settings()
    assert settings.redis_url == "redis://cache:6379/1"
    assert settings.cache_ttl_seconds == 60
    assert settings.rate_limit_per_minute == 30
    assert settings.environment == "production"


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_redis_url_means_no_redis(blank: str) -> None:
    assert _settings(redis_url=blank).redis_url is None


@pytest.mark.parametrize(
    "field",
    ["access_token_minutes", "refresh_token_days", "rate_limit_per_minute", "cache_ttl_seconds"],
)
def test_durations_and_limits_must_be_positive(field: str) -> None:
    with pytest.raises(ValidationError):
        _settings(**{field: 0})


# -- the HTTP server ---------------------------------------------------------------------


def test_server_defaults() -> None:
    settings = _settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.max_request_bytes == 1_048_576
    assert settings.auth_rate_limit_per_minute == 20
    assert settings.redis_namespace == "personae"
    assert settings.cache_enabled is True


def test_server_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONAE_HOST", "0.0.0.0")
    monkeypatch.setenv("PERSONAE_PORT", "9000")
    monkeypatch.setenv("PERSONAE_MAX_REQUEST_BYTES", "2048")
    monkeypatch.setenv("PERSONAE_AUTH_RATE_LIMIT_PER_MINUTE", "5")
    monkeypatch.setenv("PERSONAE_REDIS_NAMESPACE", "tenant-a")
    settings = _settings()
    assert (settings.host, settings.port, settings.max_request_bytes) == ("0.0.0.0", 9000, 2048)
    assert settings.auth_rate_limit_per_minute == 5
    assert settings.redis_namespace == "tenant-a"


@pytest.mark.parametrize(
    "values",
    [
        {"port": 0},
        {"port": 65536},
        {"max_request_bytes": 0},
        {"auth_rate_limit_per_minute": 0},
        {"redis_namespace": ""},
        {"redis_namespace": "has:colon"},
        {"host": ""},
    ],
)
def test_bad_server_values_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _settings(**values)
