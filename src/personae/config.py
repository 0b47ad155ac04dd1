"""The one settings class. Nothing else in personae reads ``os.environ``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
