"""``personae engagement import`` and ``personae strategy …`` through the real CLI."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personae.cli import _strategy
from personae.cli._app import USER_ERROR_EXIT_CODE, app
from personae.config import get_settings
from tests.doubles import WordHashEmbedder
from tests.strategy.helpers import planted_audience, snapshot_rows

MONDAY = datetime(2026, 1, 5, 9, tzinfo=UTC)
HEADER = "external_id,content_id,platform,occurred_at,published_at,likes,reach,strategy_id\n"


@pytest.fixture
def local_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner) -> Path:
    """A fresh SQLite store in the data dir, holding the local user's persona ``ada``."""
    folder = tmp_path / "data"
    monkeypatch.setenv("PERSONAE_DATA_DIR", str(folder))
    monkeypatch.delenv("PERSONAE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    monkeypatch.setattr(_strategy, "_embedder", WordHashEmbedder)
    definitions = tmp_path / "defs.json"
    definitions.write_text(json.dumps({"ada": {"name": "ada", "expertise": ["ai"]}}))
    result = runner.invoke(app, ["sync", str(definitions)])
    assert result.exit_code == 0, result.output
    return folder


def _csv(path: Path, lines: list[str]) -> Path:
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_import_reports_bad_rows_by_line_and_is_idempotent(
    runner: CliRunner, local_store: Path, tmp_path: Path
) -> None:
    file = _csv(
        tmp_path / "engagement.csv",
        [
            "e1,p1,linkedin,2026-01-06T09:00:00Z,2026-01-05T09:00:00Z,30,1000,",
            "e2,p2,linkedin,not a time,,5,100,",
            "e3,p3,LinkedIn,2026-01-06T09:00:00Z,,-4,100,",
            "e4,p4,linkedin,2026-01-06T09:00:00Z,,4,100,",
            ",p5,linkedin,2026-01-06T09:00:00Z,,4,100,",
        ],
    )
    first = runner.invoke(app, ["engagement", "import", str(file), "--persona", "ada", "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert (report["received"], report["inserted"]) == (5, 2)
    assert {(r["row"], r["field"]) for r in report["rejected"]} == {
        (3, "occurred_at"),
        (4, "likes"),
        (6, "external_id"),
    }
    again = runner.invoke(app, ["engagement", "import", str(file), "--persona", "ada"])
    assert again.exit_code == 0, again.output
    assert "Rejected rows" in again.stdout
    assert "occurred_at" in again.stdout
    # received, inserted, updated, unchanged, rejected
    assert re.search(r"5\s*│\s*0\s*│\s*0\s*│\s*2\s*│\s*3\s*│", again.stdout), again.stdout


def test_import_of_a_file_that_is_not_engagement_is_one_error_line(
    runner: CliRunner, local_store: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{not json")
    result = runner.invoke(app, ["engagement", "import", str(bad), "--persona", "ada"])
    assert result.exit_code == USER_ERROR_EXIT_CODE
    assert "broken.json: not valid JSON" in result.stderr
    missing = runner.invoke(app, ["engagement", "import", str(bad), "--persona", "nobody"])
    assert missing.exit_code == USER_ERROR_EXIT_CODE


def test_recommend_feedback_report(runner: CliRunner, local_store: Path, tmp_path: Path) -> None:
    args = ["strategy", "recommend", "ada", "--format", "video", "--tone", "calm", "--hour", "9"]
    rec = runner.invoke(app, [*args, "--json"])
    assert rec.exit_code == 0, rec.output
    data = json.loads(rec.stdout)
    assert data["content_brief"]["topic"] == "ai"
    assert data["content_brief"]["posting_hour"] == 9
    strategy = str(data["strategy_id"])
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0
    assert "Write a" in shown.stdout
    assert "confidence" in shown.stdout

    rows = [
        snapshot_rows(
            content_id="c1",
            reach=1000,
            interactions=40,
            published=MONDAY,
            strategy_id=data["strategy_id"],
        ),
    ]
    file = tmp_path / "result.json"
    file.write_text(json.dumps(rows))
    imported = runner.invoke(app, ["engagement", "import", str(file), "-p", "ada", "--json"])
    assert json.loads(imported.stdout)["inserted"] == 1
    measured = runner.invoke(
        app, ["strategy", "feedback", strategy, "--episode", str(data["episode_id"]), "--json"]
    )
    assert measured.exit_code == 0, measured.output
    assert json.loads(measured.stdout)["components"]["engagement_rate"] > 0
    given = runner.invoke(app, ["strategy", "feedback", strategy, "--engagement-rate", "1.5"])
    assert given.exit_code == 0, given.output
    assert "Reward 1.5000" in given.stdout
    again = runner.invoke(app, ["strategy", "feedback", strategy, "--engagement-rate", "1.5"])
    assert again.exit_code == USER_ERROR_EXIT_CODE
    assert "no decision waiting" in again.stderr
    bad = runner.invoke(app, ["strategy", "feedback", strategy, "--engagement-rate", "-1"])
    assert bad.exit_code == USER_ERROR_EXIT_CODE
    assert "engagement_rate" in bad.stderr

    report = runner.invoke(app, ["strategy", "report", "ada", "--json"])
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["rewarded_episodes"] == 2
    table = runner.invoke(app, ["strategy", "report", "ada"])
    assert "Best strategies" in table.stdout


def test_clusters(runner: CliRunner, local_store: Path, tmp_path: Path) -> None:
    none = runner.invoke(app, ["strategy", "clusters", "ada"])
    assert none.exit_code == 0
    assert "No audience clusters yet" in none.stdout
    rows, _ = planted_audience(members=45, events_per_member=12, segments=3)
    file = tmp_path / "audience.json"
    file.write_text(json.dumps({"events": rows}))
    assert runner.invoke(app, ["engagement", "import", str(file), "-p", "ada"]).exit_code == 0
    made = runner.invoke(app, ["strategy", "clusters", "ada", "--refresh", "--json"])
    assert made.exit_code == 0, made.output
    assert sorted(c["size"] for c in json.loads(made.stdout)) == [15, 15, 15]
    shown = runner.invoke(app, ["strategy", "clusters", "ada"])
    assert "Audience clusters" in shown.stdout


def test_unknown_persona_is_one_error_line(runner: CliRunner, local_store: Path) -> None:
    result = runner.invoke(app, ["strategy", "report", "nobody"])
    assert result.exit_code == USER_ERROR_EXIT_CODE
    assert result.stderr.startswith("error:")
