"""``personae content …`` and ``personae engagement import`` through the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personae.cli._app import app
from personae.cli._store import LOCAL_USER_EMAIL
from personae.config import get_settings
from personae.content import ContentService, DraftCreate
from personae.store import Database, PersonaCreate, UserCreate, crud, session_scope
from tests.content.conftest import Receiver

DATA = Path(__file__).parent / "data"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PERSONAE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    yield CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
    get_settings.cache_clear()


def _draft(text: str) -> int:
    """A draft of the local user's persona 'founder', kept the way generation keeps one."""
    with Database() as db:
        db.upgrade()
        with session_scope(db) as session:
            user = crud.get_user_by_email(session=session, email=LOCAL_USER_EMAIL)
            if user is None:
                user = crud.create_user(
                    session=session, data=UserCreate(email=LOCAL_USER_EMAIL, password_hash="!")
                )
            persona = crud.create_persona(
                session=session, owner_id=user.id, data=PersonaCreate(name="founder")
            )
            ids = (user.id, persona.id)
        draft = DraftCreate(persona_id=ids[1], platform="linkedin", text=text, brief="launch")
        return ContentService(db).save_draft(ids[0], draft, source="cli").id


def test_list_edit_schedule_publish_import(cli: CliRunner, receiver: Receiver) -> None:
    piece = _draft("We shipped the importer today.")
    listed = cli.invoke(app, ["content", "list"])
    assert listed.exit_code == 0, listed.output
    assert "We shipped the importer today." in listed.stdout
    assert "Pieces 1-1 of 1" in listed.stdout
    assert cli.invoke(app, ["content", "list", "--search", "nothing"]).stdout.count("draft") == 0
    edited = cli.invoke(app, ["content", "edit", str(piece), "--text", "We shipped it."])
    assert edited.exit_code == 0, edited.output
    assert cli.invoke(app, ["content", "approve", str(piece)]).exit_code == 0
    added = cli.invoke(
        app, ["content", "add-publisher", "hook", "--url", receiver.url, "--secret", "s" * 20]
    )
    assert added.exit_code == 0, added.output
    scheduled = cli.invoke(app, ["content", "schedule", str(piece), "--publisher", "hook"])
    assert scheduled.exit_code == 0, scheduled.output
    assert "scheduled for" in scheduled.stdout
    receiver.answer = {"url": "https://www.linkedin.com/feed/update/urn:li:activity:7001/"}
    published = cli.invoke(app, ["content", "publish", str(piece)])
    assert published.exit_code == 0, published.output
    shown = cli.invoke(app, ["content", "show", str(piece)])
    assert "attempt 1 via hook: ok" in shown.stdout
    assert "We shipped it." in shown.stdout
    imported = cli.invoke(
        app, ["engagement", "import", str(DATA / "linkedin_posts.csv"), "--settle"]
    )
    assert imported.exit_code == 0, imported.output
    assert "line 3: no published piece" in imported.stdout
    assert f"piece {piece}: reward" in imported.stdout
    nothing = cli.invoke(app, ["engagement", "import", str(DATA / "x_tweet_activity.csv")])
    assert nothing.exit_code == 1
    assert "Nothing was imported." in nothing.stdout
    bad = cli.invoke(app, ["content", "publish", "999"])
    assert bad.exit_code == 2
    assert "no content piece 999" in bad.output
