"""A real personae server on loopback for the OpenAI-compatible and MCP tests.

``served`` runs the whole app (``create_app``) under uvicorn in a thread, with the
scripted model of :mod:`tests.doubles.llm` (answers are predictable) and an in-memory
memory index; ``api_key`` is a real ``pk_…`` key created over HTTP, and ``ada`` a
persona with a measured voice (the bundled founder's texts).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI

from personae.api import create_app
from personae.api._state import ModelFactory
from personae.api.routes.chat import get_memory_store
from personae.chat import MemoryStore
from personae.config import Settings
from personae.llm import LLM, GenerationRequest
from personae.samples import sample_writers
from personae.store import Database
from personae.vectors import NumpyIndex
from tests.api.helpers import User
from tests.doubles import HashEmbedder, ScriptedLLM, json_reply
from tests.serving import run_server


def persona_responder(request: GenerationRequest) -> str:
    """Traits and memories as JSON; a reply that names what the model was shown."""
    system = request.messages[0].content
    if "behavioural traits" in system:
        return json_reply({"traits": []})
    if "want to remember" in system:
        return json_reply({"memories": []})
    persona = system.splitlines()[0].removeprefix("You are ").rstrip(".")
    last = request.messages[-1].content
    return f"I am {persona}. You said: {last}. Systems seen: " + str(
        sum(1 for m in request.messages if m.role == "system")
    )


@dataclass
class Served:
    """A running server: its URL, the scripted model, the app."""

    url: str
    llm: ScriptedLLM
    app: FastAPI
    settings: Settings


def build_app(
    settings: Settings, db: Database, llm: LLM, *, models: ModelFactory | None = None
) -> FastAPI:
    """The app with ``llm`` for every call (or the factory ``models``) and an in-memory
    memory index."""

    def llm_for(owner_id: int, purpose: str, spec: str | None) -> LLM:
        return llm

    app = create_app(settings, llm_for=models or llm_for)
    embedder = HashEmbedder()
    store = MemoryStore(
        db,
        embedder=embedder,
        index=NumpyIndex(embedder_name=embedder.name, dimension=embedder.dimension),
    )
    app.dependency_overrides[get_memory_store] = lambda: store
    return app


@pytest.fixture
def served(settings: Settings, db: Database) -> Iterator[Served]:
    llm = ScriptedLLM(responder=persona_responder)
    app = build_app(settings, db, llm)
    for url in run_server(app):
        yield Served(url=url, llm=llm, app=app, settings=settings)


def make_key(url: str, user: User) -> str:
    """A fresh API key of ``user``, created over HTTP as a person would."""
    response = httpx2.post(
        f"{url}/api/auth/keys", json={"name": "test"}, headers=user.headers, timeout=30
    )
    assert response.status_code == 201, response.text
    key: str = response.json()["data"]["api_key"]
    return key


def make_persona(url: str, user: User, name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "role": "Founder"} | fields
    response = httpx2.post(f"{url}/api/personas", json=body, headers=user.headers, timeout=60)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


@pytest.fixture
def api_key(served: Served, alice: User) -> str:
    return make_key(served.url, alice)


@pytest.fixture
def ada(served: Served, alice: User) -> dict[str, Any]:
    founder = next(w for w in sample_writers() if w.key == "founder")
    return make_persona(
        served.url,
        alice,
        "ada",
        display_name="Ada",
        system_prompt="Speak plainly.",
        writing_samples=list(founder.training),
    )
