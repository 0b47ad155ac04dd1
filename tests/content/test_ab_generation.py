"""A text generated for an A/B test is written as the allocated variant's persona version
and kept as that variant's piece: no one has to pass the version's prompt around."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.config import Settings
from tests.api.helpers import User, create_persona
from tests.doubles import ScriptedLLM, persona_writer


@pytest.fixture
def writer() -> ScriptedLLM:
    return persona_writer()


@pytest.fixture
def writer_client(settings: Settings, writer: ScriptedLLM) -> Iterator[TestClient]:
    with TestClient(create_app(settings, llm_for=lambda *_: writer)) as client:
        yield client


def _prompts(llm: ScriptedLLM) -> str:
    return "\n".join(m.content for r in llm.requests for m in r.messages)


def _test(client: TestClient, user: User) -> tuple[int, int]:
    pid = create_persona(client, user, role="Plain analyst")["id"]
    changed = client.put(
        f"/api/personas/{pid}",
        json={"version": 1, "role": "Sharper founder"},
        headers=user.headers,
    )
    assert changed.status_code == 200, changed.text
    body = {
        "name": "roles",
        "persona_id": pid,
        "platform": "linkedin",
        "variants": [{"name": "old", "version": 1}, {"name": "new", "version": 2}],
    }
    created = client.post("/api/content/experiments", json=body, headers=user.headers)
    assert created.status_code == 201, created.text
    return pid, created.json()["data"]["id"]


def _generate(client: TestClient, user: User, **fields: Any) -> Any:
    body = {"platform": "linkedin", "brief": "what we shipped", "max_rounds": 1} | fields
    return client.post("/api/content/generate", json=body, headers=user.headers)


def test_the_allocated_variant_writes_as_its_version(
    writer_client: TestClient, writer: ScriptedLLM, alice: User
) -> None:
    client = writer_client
    pid, test = _test(client, alice)
    allocated = client.post(f"/api/content/experiments/{test}/allocate", headers=alice.headers)
    assert allocated.json()["data"]["variant"] == "old"
    written = _generate(client, alice, persona_id=pid, experiment_id=test, variant="old")
    assert written.status_code == 200, written.text
    piece_id = written.json()["data"]["piece_id"]
    piece = client.get(f"/api/content/{piece_id}", headers=alice.headers).json()["data"]
    assert (piece["experiment_id"], piece["variant"], piece["persona_version"]) == (
        test,
        "old",
        1,
    )
    # Written by version 1 (its role), though the persona is at version 2 now.
    assert "Plain analyst" in _prompts(writer)
    assert "Sharper founder" not in _prompts(writer)
    report = client.get(f"/api/content/experiments/{test}", headers=alice.headers).json()["data"]
    assert [v["pieces"] for v in report["variants"]] == [1, 0]


def test_without_a_variant_one_is_allocated_and_streaming_keeps_it_too(
    writer_client: TestClient, writer: ScriptedLLM, alice: User
) -> None:
    client = writer_client
    pid, test = _test(client, alice)
    first = _generate(client, alice, persona_id=pid, experiment_id=test).json()["data"]
    streamed = _generate(client, alice, persona_id=pid, experiment_id=test, stream=True)
    assert streamed.status_code == 200
    pieces = client.get("/api/content", headers=alice.headers).json()["data"]["items"]
    assert sorted((p["variant"], p["persona_version"]) for p in pieces) == [
        ("new", 2),
        ("old", 1),
    ]  # the first three pieces of a test go to the variant with fewest
    assert first["piece_id"] in {p["id"] for p in pieces}
    assert "Sharper founder" in _prompts(writer)  # the "new" variant wrote as version 2


def test_a_test_of_another_platform_or_unsaved_text_is_refused(
    writer_client: TestClient, writer: ScriptedLLM, alice: User
) -> None:
    client = writer_client
    pid, test = _test(client, alice)
    elsewhere = _generate(client, alice, persona_id=pid, experiment_id=test, platform="x")
    assert elsewhere.status_code == 422
    assert "tests persona" in elsewhere.json()["error"]["message"]
    unsaved = _generate(client, alice, persona_id=pid, experiment_id=test, save=False)
    assert unsaved.status_code == 422
    unknown = _generate(client, alice, persona_id=pid, experiment_id=test, variant="nope")
    assert unknown.status_code == 422
    assert writer.requests == []  # nothing was written for a refused request
