"""``personae chat PERSONA`` through the real CLI, with a scripted model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from personae.chat import ChatService, MemoryStore
from personae.cli import _chat
from personae.cli._app import USER_ERROR_EXIT_CODE, app
from personae.cli._store import LOCAL_USER_EMAIL
from personae.config import Settings, get_settings
from personae.store import Database, PersonaCreate, crud, session_scope
from personae.vectors import NumpyIndex
from tests.api.routes.test_chat import chat_responder
from tests.doubles import HashEmbedder, ScriptedLLM


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    monkeypatch.setenv("PERSONAE_DATABASE_URL", url)
    get_settings.cache_clear()
    llm = ScriptedLLM(responder=chat_responder)
    real = _chat.build_chat_service

    def build(settings: Settings, *, database: Database, **kwargs: Any) -> ChatService:
        embedder = HashEmbedder()
        index = NumpyIndex(embedder_name=embedder.name, dimension=embedder.dimension)
        return real(
            settings,
            database=database,
            models=lambda owner, purpose, spec: llm,
            memory=MemoryStore(database, embedder=embedder, index=index),
        )

    monkeypatch.setattr(_chat, "build_chat_service", build)
    return url


def _persona(runner: CliRunner, url: str) -> None:
    runner.invoke(app, ["db", "upgrade"])
    with Database(url) as db, session_scope(db) as session:
        user = crud.get_user_by_email(session=session, email=LOCAL_USER_EMAIL)
        if user is None:
            from personae.store import UserCreate

            user = crud.create_user(
                session=session, data=UserCreate(email=LOCAL_USER_EMAIL, password_hash="!")
            )
        crud.create_persona(session=session, owner_id=user.id, data=PersonaCreate(name="ada"))


def test_chat_streams_answers_and_keeps_a_session(runner: CliRunner, store_url: str) -> None:
    _persona(runner, store_url)
    result: Any = runner.invoke(app, ["chat", "ada"], input="Hello\nHow are you?\n\n")
    assert result.exit_code == 0, result.output
    assert "Olá! You said: Hello" in result.stdout
    assert "Olá! You said: How are you?" in result.stdout
    with Database(store_url) as db, session_scope(db) as session:
        user = crud.get_user_by_email(session=session, email=LOCAL_USER_EMAIL)
        assert user is not None
        [chat] = crud.recent_chat_messages(
            session=session, owner_id=user.id, chat_session_id=1, limit=10
        )[:1]
        assert chat.content == "Hello"


def test_an_unknown_persona_is_a_clear_error(runner: CliRunner, store_url: str) -> None:
    result: Any = runner.invoke(app, ["chat", "nobody"], input="hi\n")
    assert result.exit_code == USER_ERROR_EXIT_CODE
    assert "nobody" in result.output
