"""``/ws/chat`` behind a real uvicorn server: authentication, streamed tokens, ai_response.

:func:`tests.serving.run_server` runs uvicorn (``websockets-sansio`` protocol) on a free
port, and the ``websockets`` client talks to it over a real socket, as a browser would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from websockets.sync.client import ClientConnection, connect

from personae.config import Settings
from personae.store import Database, PersonaCreate, UserCreate, crud, session_scope
from tests.api.helpers import make_settings, signed_in_token
from tests.api.routes.test_chat import chat_app
from tests.serving import run_server


def _user_and_persona(db: Database, settings: Settings, email: str) -> tuple[str, int]:
    with session_scope(db) as session:
        user = crud.create_user(session=session, data=UserCreate(email=email, password_hash="!"))
        persona = crud.create_persona(
            session=session, owner_id=user.id, data=PersonaCreate(name="ada")
        )
        ids = user.id, persona.id
    return signed_in_token(db, ids[0], settings=settings), ids[1]


@pytest.fixture
def server(db: Database, database_url: str, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    settings = make_settings(database_url, tmp_path)
    for url in run_server(chat_app(settings, db), ws="websockets-sansio"):
        yield url.replace("http://", "ws://") + "/ws/chat", settings


def _receive(ws: ClientConnection) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(ws.recv(timeout=20))
    return event


def _turn(ws: ClientConnection, body: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    ws.send(json.dumps({"type": "chat_message", **body}))
    tokens: list[str] = []
    while True:
        event = _receive(ws)
        if event["type"] == "token":
            tokens.append(event["data"])
        else:
            return tokens, event


def test_a_streamed_round_trip_over_a_real_socket(
    server: tuple[str, Settings], db: Database
) -> None:
    url, settings = server
    token, persona_id = _user_and_persona(db, settings, "ws@example.org")
    with connect(url, subprotocols=["personae.bearer", token]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "personae.bearer"
        assert _receive(ws)["type"] == "ready"
        tokens, final = _turn(ws, {"message": "Tell me a story", "personaId": persona_id})
        assert len(tokens) > 1
        assert final["type"] == "ai_response"
        data = final["data"]
        assert "".join(tokens).strip() == data["response"]
        assert data["response"] == "Olá! You said: Tell me a story"
        assert data["personaId"] == persona_id
        assert {"traits", "confidence", "suggestedActions", "sessionId"} <= set(data)
        # A second turn in the same session; errors keep the socket open.
        _, error = _turn(ws, {"message": "", "personaId": persona_id})
        assert error["type"] == "error"
        assert error["error"]["status"] == 422, error
        _, again = _turn(ws, {"message": "More", "sessionId": data["sessionId"]})
        assert again["data"]["sessionId"] == data["sessionId"]


def test_authentication_by_first_message_and_refusal(
    server: tuple[str, Settings], db: Database
) -> None:
    url, settings = server
    token, persona_id = _user_and_persona(db, settings, "first@example.org")
    with connect(url) as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        assert _receive(ws)["type"] == "ready"
        _, final = _turn(ws, {"message": "hi", "personaId": persona_id})
        assert final["type"] == "ai_response"
    with connect(url) as ws:
        ws.send(json.dumps({"type": "auth", "token": "not-a-token"}))
        event = _receive(ws)
        assert event["type"] == "error"
        assert event["error"]["status"] == 401
        with pytest.raises(Exception, match="1008"):
            ws.recv(timeout=20)
    with connect(f"{url}?token={token}") as ws:  # never in the URL: access logs keep it
        event = _receive(ws)
        assert event["type"] == "error"
        assert "URL" in event["error"]["message"]


def test_another_users_persona_is_not_found_on_the_socket(settings: Settings, db: Database) -> None:
    token, _ = _user_and_persona(db, settings, "mallory@example.org")
    _, victim = _user_and_persona(db, settings, "victim@example.org")
    with (
        TestClient(chat_app(settings, db)) as client,
        client.websocket_connect("/ws/chat") as ws,
    ):
        ws.send_json({"type": "auth", "token": token})
        assert ws.receive_json()["type"] == "ready"
        ws.send_json({"type": "chat_message", "message": "hi", "personaId": victim})
        event = ws.receive_json()
        assert event["error"]["code"] == "persona_not_found"
