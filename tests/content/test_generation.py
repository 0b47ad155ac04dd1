"""What generation writes is kept in the library (unless the request opts out)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from personae.cli._app import app
from personae.config import get_settings
from personae.jobs import _context as job_context
from personae.samples import SampleWriter, sample_writers
from tests.api.helpers import User, create_persona
from tests.doubles import persona_writer


def _founder() -> SampleWriter:
    return next(w for w in sample_writers() if w.key == "founder")


def test_generated_text_becomes_a_draft_with_its_scores(
    writer_client: TestClient, alice: User
) -> None:
    client = writer_client
    pid = create_persona(client, alice, writing_samples=list(_founder().training))["id"]
    body = {"persona_id": pid, "platform": "x", "brief": "what we shipped", "max_rounds": 1}
    written = client.post("/api/content/generate", json=body, headers=alice.headers)
    assert written.status_code == 200, written.text
    data = written.json()["data"]
    piece = client.get(f"/api/content/{data['piece_id']}", headers=alice.headers).json()["data"]
    assert (piece["text"], piece["status"], piece["source"]) == (data["text"], "draft", "api")
    assert piece["brief"] == "what we shipped"
    assert piece["quality_score"] == data["report"]["overall_quality_score"]
    assert piece["style_match"] == data["report"]["authenticity_score"]
    assert piece["quality"]["word_count"] == data["report"]["word_count"]
    not_kept = client.post(
        "/api/content/generate", json={**body, "save": False}, headers=alice.headers
    )
    assert not_kept.json()["data"]["piece_id"] is None
    assert client.get("/api/content", headers=alice.headers).json()["data"]["total"] == 1
    streamed = client.post(
        "/api/content/generate", json={**body, "stream": True}, headers=alice.headers
    )
    assert '"piece_id": ' in streamed.text
    assert client.get("/api/content", headers=alice.headers).json()["data"]["total"] == 2


def test_personae_write_keeps_its_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PERSONAE_DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    monkeypatch.setattr(job_context, "build_recorded_llm", lambda *a, **k: persona_writer())
    get_settings.cache_clear()
    runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
    samples: list[Any] = []
    for n, text in enumerate(_founder().training):
        path = tmp_path / f"s{n}.txt"
        path.write_text(text)
        samples += ["-s", str(path)]
    assert runner.invoke(app, ["persona", "create", "founder", *samples]).exit_code == 0
    written = runner.invoke(app, ["write", "what we shipped", "-p", "founder", "--rounds", "1"])
    assert written.exit_code == 0, written.output
    assert "kept as draft piece 1" in written.output
    listed = runner.invoke(app, ["content", "list", "--json"])
    assert '"total": 1' in listed.stdout
    assert runner.invoke(app, ["write", "x", "-p", "founder", "--no-save"]).exit_code == 0
    assert '"total": 1' in runner.invoke(app, ["content", "list", "--json"]).stdout
    get_settings.cache_clear()


def test_a_text_written_from_a_recommended_brief_follows_its_decision(
    service: Any, db: Any, owner_ids: tuple[int, int], persona_ids: tuple[int, int]
) -> None:
    from personae.store import session_scope
    from personae.strategy import ArmSpace, StrategyService

    alice, _ = owner_ids
    mine, _ = persona_ids
    with session_scope(db) as session:
        rec = StrategyService(session=session, owner_id=alice, seed=0).recommend(
            mine, space=ArmSpace(topics=["ai"], formats=["text"], platforms=["x"])
        )
    brief = rec.content_brief.instructions
    kept = service.keep_written(alice, mine, "x", brief, "A text.", report=None, source="cli")
    piece = service.get(alice, kept)
    assert (piece.episode_id, piece.strategy_id) == (rec.episode_id, rec.strategy_id)
    other = service.keep_written(alice, mine, "x", "another brief", "B.", report=None, source="cli")
    assert service.get(alice, other).episode_id is None
