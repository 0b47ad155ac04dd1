"""create_app: nothing at import, everything in the lifespan, refusal of unmigrated stores."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.errors import StoreError
from tests.api.helpers import make_settings


def test_importing_the_api_builds_and_opens_nothing() -> None:
    code = (
        "import sys, personae.api.main as m\n"
        "print(m._app is None, 'sqlalchemy.dialects.sqlite.pysqlite' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "False"]


def test_the_module_level_app_is_built_on_first_access(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import personae.api.main as main
    from personae.config import get_settings

    monkeypatch.setenv("PERSONAE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(main, "_app", None)
    get_settings.cache_clear()
    try:
        app = main.app
        assert main.app is app
        assert app.title == "personae"
    finally:
        get_settings.cache_clear()
    with pytest.raises(AttributeError):
        _ = main.nothing_here


def test_an_unmigrated_database_stops_the_start(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'blank.db'}", tmp_path)
    app = create_app(settings)
    with pytest.raises(StoreError, match="personae db upgrade"), TestClient(app):
        pass


def test_each_app_keeps_its_own_settings(db: object, database_url: str, tmp_path: Path) -> None:
    small = create_app(make_settings(database_url, tmp_path, max_request_bytes=10))
    large = create_app(make_settings(database_url, tmp_path))
    body = b'{"text": "' + b"a" * 50 + b'"}'
    with TestClient(small) as a, TestClient(large) as b:
        headers = {"content-type": "application/json"}
        assert a.post("/api/style/analyze", content=body, headers=headers).status_code == 413
        assert b.post("/api/style/analyze", content=body, headers=headers).status_code == 401
