"""The WebSocket goes through the same limiter and revocation as REST (issue 13, finding 4).

After the REST budget was spent, 30 of 30 chat turns were answered over ``/ws/chat``; a
revoked API key kept an open socket chatting for 15 more turns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from personae.api.routes import chat as chat_routes
from personae.store import Database, PersonaCreate, UserCreate, crud, session_scope
from tests.api.helpers import make_settings, signed_in_token
from tests.api.routes.test_chat import chat_app


def _user_with_persona(db: Database, email: str) -> tuple[int, int]:
    with session_scope(db) as session:
        user = crud.create_user(session=session, data=UserCreate(email=email, password_hash="!"))
        persona = crud.create_persona(
            session=session, owner_id=user.id, data=PersonaCreate(name="ada")
        )
        return user.id, persona.id


def test_chat_turns_spend_the_same_budget_as_requests(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(database_url, tmp_path, rate_limit_per_minute=3)
    user_id, persona_id = _user_with_persona(db, "ws-limit@example.org")
    token = signed_in_token(db, user_id, settings=settings)
    headers = {"Authorization": f"Bearer {token}"}
    with (
        TestClient(chat_app(settings, db)) as client,
        client.websocket_connect("/ws/chat") as ws,
    ):
        ws.send_json({"type": "auth", "token": token})  # 1 of 3
        assert ws.receive_json()["type"] == "ready"
        assert client.get("/api/personas", headers=headers).status_code == 200  # 2
        assert client.get("/api/personas", headers=headers).status_code == 200  # 3
        assert client.get("/api/personas", headers=headers).status_code == 429
        ws.send_json({"type": "chat_message", "message": "hi", "personaId": persona_id})
        event = ws.receive_json()
        assert event["type"] == "error"
        assert event["error"]["status"] == 429


def test_revoking_an_api_key_closes_its_open_socket(
    db: Database, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chat_routes, "WS_RECHECK_SECONDS", 0.2)
    settings = make_settings(database_url, tmp_path)
    user_id, _ = _user_with_persona(db, "ws-key@example.org")
    token = signed_in_token(db, user_id, settings=settings)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(chat_app(settings, db)) as client:
        created = client.post("/api/auth/keys", json={"name": "bot"}, headers=headers)
        key, key_id = created.json()["data"]["api_key"], created.json()["data"]["key"]["id"]
        with client.websocket_connect("/ws/chat") as ws:
            ws.send_json({"type": "auth", "token": key})
            assert ws.receive_json()["type"] == "ready"
            revoked = client.delete(f"/api/auth/keys/{key_id}", headers=headers)
            assert revoked.status_code == 200
            # Idle: the watcher closes it within a few re-checks.
            event = ws.receive_json()
            assert event["type"] == "error"
            assert event["error"]["status"] == 401
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 1008


def test_logout_closes_the_sign_ins_open_socket(
    db: Database, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chat_routes, "WS_RECHECK_SECONDS", 0.2)
    settings = make_settings(database_url, tmp_path)
    user_id, persona_id = _user_with_persona(db, "ws-logout@example.org")
    token = signed_in_token(db, user_id, settings=settings)
    with (
        TestClient(chat_app(settings, db)) as client,
        client.websocket_connect("/ws/chat") as ws,
    ):
        ws.send_json({"type": "auth", "token": token})
        assert ws.receive_json()["type"] == "ready"
        out = client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert out.status_code == 200
        ws.send_json({"type": "chat_message", "message": "hi", "personaId": persona_id})
        event = ws.receive_json()
        assert event["type"] == "error"
        assert event["error"]["status"] == 401
