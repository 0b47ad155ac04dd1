"""Settings: the store's URL comes from PERSONAE_DATABASE_URL or defaults to the data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from personae.config import Settings


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
