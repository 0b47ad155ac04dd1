"""Chat over HTTP: traits CRUD, seed 002's personality and chat routes, memories, isolation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.api.routes.chat import get_memory_store
from personae.chat import MemoryStore
from personae.config import Settings
from personae.llm import LLM, GenerationRequest
from personae.store import Database
from personae.vectors import NumpyIndex
from tests.api.helpers import User, create_persona, error_of
from tests.doubles import HashEmbedder, ScriptedLLM, json_reply


def chat_responder(request: GenerationRequest) -> str:
    system = request.messages[0].content
    if "behavioural traits" in system:
        return json_reply({"traits": [{"name": "patient", "intensity": 0.7, "confidence": 0.9}]})
    if "want to remember" in system:
        return json_reply({"memories": ["The user is learning Portuguese for a move to Porto."]})
    return f"Olá! You said: {request.messages[-1].content}"


def chat_app(settings: Settings, db: Database) -> FastAPI:
    """The app with a scripted model and an in-memory memory index."""
    llm = ScriptedLLM(responder=chat_responder)

    def llm_for(owner_id: int, purpose: str, spec: str | None) -> LLM:
        return llm

    app = create_app(settings.model_copy(update={"chat_summarize_every": 2}), llm_for=llm_for)
    embedder = HashEmbedder()
    store = MemoryStore(
        db,
        embedder=embedder,
        index=NumpyIndex(embedder_name=embedder.name, dimension=embedder.dimension),
    )
    app.dependency_overrides[get_memory_store] = lambda: store
    return app


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(chat_app(settings, db)) as test_client:
        yield test_client


def _data(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()["data"]


def test_trait_crud_and_inheritance(client: TestClient, alice: User) -> None:
    ada = create_persona(client, alice, name="ada")["id"]
    bob = create_persona(client, alice, name="bob")["id"]
    base = f"/api/personas/{ada}/traits"
    own = _data(
        client.post(base, json={"name": "Curious", "intensity": 0.8}, headers=alice.headers), 201
    )
    assert own["id"].startswith("t")
    assert own["name"] == "curious"
    core = _data(
        client.post(
            base,
            json={"name": "honest", "intensity": 0.6, "inherited": True},
            headers=alice.headers,
        ),
        201,
    )
    assert core["id"].startswith("c")
    assert core["inherited"] is True
    listed = _data(client.get(f"/api/personas/{bob}/traits", headers=alice.headers))["traits"]
    assert [(t["name"], t["inherited"]) for t in listed] == [("honest", True)]
    patched = _data(
        client.patch(f"{base}/{own['id']}", json={"intensity": 0.3}, headers=alice.headers)
    )
    assert patched["intensity"] == 0.3
    assert _data(client.get(f"{base}/{own['id']}", headers=alice.headers))["intensity"] == 0.3
    assert _data(client.delete(f"{base}/{own['id']}", headers=alice.headers)) == {"deleted": True}
    assert client.get(f"{base}/{own['id']}", headers=alice.headers).status_code == 404


def test_personality_adjusts_and_clamps(client: TestClient, alice: User) -> None:
    ada = create_persona(client, alice, name="ada")["id"]
    trait = _data(
        client.post(
            f"/api/personas/{ada}/traits",
            json={"name": "bold", "intensity": 0.9},
            headers=alice.headers,
        ),
        201,
    )
    body = {"personaId": ada, "traitId": trait["id"], "action": "increase", "intensity": 0.5}
    assert (
        _data(client.put("/api/personality", json=body, headers=alice.headers))["intensity"] == 1.0
    )
    body = {"personaId": ada, "traitId": trait["id"], "action": "decrease"}
    assert (
        _data(client.put("/api/personality", json=body, headers=alice.headers))["intensity"] == 0.9
    )
    bad = {"personaId": ada, "traitId": trait["id"], "action": "set", "intensity": 2}
    assert client.put("/api/personality", json=bad, headers=alice.headers).status_code == 422
    missing = {"personaId": ada, "traitId": trait["id"], "action": "set"}
    assert (
        error_of(client.put("/api/personality", json=missing, headers=alice.headers))["code"]
        == "invalid_input"
    )


def test_other_owners_ids_are_404(client: TestClient, alice: User, bob: User) -> None:
    ada = create_persona(client, alice, name="ada")["id"]
    trait = _data(
        client.post(f"/api/personas/{ada}/traits", json={"name": "calm"}, headers=alice.headers),
        201,
    )
    assert client.get(f"/api/personas/{ada}/traits", headers=bob.headers).status_code == 404
    assert (
        client.get(f"/api/personas/{ada}/traits/{trait['id']}", headers=bob.headers).status_code
        == 404
    )
    assert (
        client.delete(f"/api/personas/{ada}/traits/{trait['id']}", headers=bob.headers).status_code
        == 404
    )
    body = {"personaId": ada, "traitId": trait["id"], "action": "set", "intensity": 0.1}
    assert (
        error_of(client.put("/api/personality", json=body, headers=bob.headers))["code"]
        == "trait_not_found"
    )
    assert client.get(f"/api/personas/{ada}/memories", headers=bob.headers).status_code == 404
    assert (
        client.post(
            "/api/chat", json={"message": "hi", "personaId": ada}, headers=bob.headers
        ).status_code
        == 404
    )
    reply = _data(
        client.post("/api/chat", json={"message": "hi", "personaId": ada}, headers=alice.headers)
    )
    denied = client.post(
        "/api/chat", json={"message": "hi", "sessionId": reply["sessionId"]}, headers=bob.headers
    )
    assert error_of(denied)["code"] == "chat_session_not_found"
    assert (
        client.get(
            f"/api/chat/sessions/{reply['sessionId']}/messages", headers=bob.headers
        ).status_code
        == 404
    )


def test_chat_answers_with_seed_002s_response_and_remembers(
    client: TestClient, alice: User
) -> None:
    ada = create_persona(client, alice, name="ada", system_prompt="You are a language tutor.")["id"]
    first = _data(
        client.post(
            "/api/chat",
            json={"message": "I move to Porto in May.", "personaId": ada},
            headers=alice.headers,
        )
    )
    assert set(first) >= {
        "response",
        "personaId",
        "sessionId",
        "traits",
        "confidence",
        "suggestedActions",
    }
    assert first["response"] == "Olá! You said: I move to Porto in May."
    assert first["personaId"] == ada
    assert [t["name"] for t in first["traits"]] == ["patient"]
    session = first["sessionId"]
    _data(
        client.post(
            "/api/chat",
            json={"message": "Help me practise.", "sessionId": session},
            headers=alice.headers,
        )
    )
    memories = _data(client.get(f"/api/personas/{ada}/memories", headers=alice.headers))
    assert [m["text"] for m in memories["memories"]] == [
        "The user is learning Portuguese for a move to Porto."
    ]
    assert memories["hygiene"]["count"] == 1
    assert memories["hygiene"]["echo_rate"] == 0.0
    lines = _data(client.get(f"/api/chat/sessions/{session}/messages", headers=alice.headers))
    assert [line["role"] for line in lines] == ["user", "assistant", "user", "assistant"]


def test_a_forgotten_memory_is_gone_from_the_list_and_the_index(
    client: TestClient, alice: User, bob: User
) -> None:
    ada = create_persona(client, alice, name="ada")["id"]
    first = {"message": "I move to Porto in May.", "personaId": ada}
    session = _data(client.post("/api/chat", json=first, headers=alice.headers))["sessionId"]
    second = {"message": "Help me practise.", "sessionId": session}
    _data(client.post("/api/chat", json=second, headers=alice.headers))
    memories = _data(client.get(f"/api/personas/{ada}/memories", headers=alice.headers))
    memory_id = memories["memories"][0]["id"]
    index = client.app.dependency_overrides[get_memory_store]().index  # type: ignore[attr-defined]
    assert index.count() == 1
    url = f"/api/personas/{ada}/memories/{memory_id}"

    assert error_of(client.delete(url, headers=bob.headers))["code"] == "persona_not_found"
    assert _data(client.delete(url, headers=alice.headers)) == {"deleted": True}
    after = _data(client.get(f"/api/personas/{ada}/memories", headers=alice.headers))
    assert after["memories"] == []
    assert index.count() == 0
    assert error_of(client.delete(url, headers=alice.headers))["code"] == "memory_not_found"


def test_chat_input_is_checked(client: TestClient, alice: User) -> None:
    ada = create_persona(client, alice, name="ada")["id"]
    assert (
        client.post(
            "/api/chat", json={"message": "", "personaId": ada}, headers=alice.headers
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/chat", json={"message": "   ", "personaId": ada}, headers=alice.headers
        ).status_code
        == 422
    )
    assert (
        client.post("/api/chat", json={"message": "hi"}, headers=alice.headers).status_code == 422
    )
    assert client.post("/api/chat", json={"message": "hi", "personaId": ada}).status_code == 401


def test_the_apps_own_memory_store_uses_the_databases_index(
    settings: Settings, database_url: str, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an override the app builds the ``memories`` index of its database on first
    use: sqlite-vec on SQLite; on a PostgreSQL without pgvector, memory is switched off
    and chat goes on without it (never a 503 per turn)."""
    import personae.vectors

    monkeypatch.setattr(personae.vectors, "build_embedder", lambda settings: HashEmbedder())
    llm = ScriptedLLM(responder=chat_responder)
    app = create_app(
        settings.model_copy(update={"chat_summarize_every": 1}),
        llm_for=lambda owner, purpose, spec: llm,
    )
    with TestClient(app) as client:
        ada = create_persona(client, alice, name="ada")["id"]
        assert client.post("/api/chat", json={}, headers=alice.headers).status_code == 422
        reply = client.post(
            "/api/chat", json={"message": "hi", "personaId": ada}, headers=alice.headers
        )
        assert reply.status_code == 200, reply.text
        memories = _data(client.get(f"/api/personas/{ada}/memories", headers=alice.headers))
    expected = 1 if database_url.startswith("sqlite") else 0
    assert memories["hygiene"]["count"] == expected
