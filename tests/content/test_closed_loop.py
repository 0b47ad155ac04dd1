"""The whole loop over HTTP from a fresh store, on every configured backend: a recommended
brief → a post written and kept as a draft → scheduled → published at its time to a
webhook → the platform's analytics export imported with no strategy id → the reward in
the strategy report and the policy's next recommendation resting on it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from personae.content import DueScheduler
from personae.samples import sample_writers
from tests.api.helpers import User, create_persona
from tests.content.conftest import Receiver

EXPORT = (Path(__file__).parent / "data" / "linkedin_posts.csv").read_text()
"""A LinkedIn analytics export: its first row is post urn:li:activity:7001."""


def _data(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()["data"]


def test_a_recommended_post_goes_round_the_loop_and_teaches_the_policy(
    writer_client: TestClient, alice: User, receiver: Receiver
) -> None:
    client, headers = writer_client, alice.headers
    founder = next(w for w in sample_writers() if w.key == "founder")
    pid = create_persona(client, alice, writing_samples=list(founder.training))["id"]
    choice = {"creator_id": pid, "topics": ["shipping"], "formats": ["text"]}
    choice |= {"platforms": ["linkedin"]}
    first = _data(client.post("/api/v1/strategy/generate", json=choice, headers=headers), 201)
    assert "after 0 measured results" in first["explanation"]["summary"]

    body = {
        "persona_id": pid,
        "platform": "linkedin",
        "brief": first["content_brief"]["instructions"][:1000],
    }
    body |= {"episode_id": first["episode_id"], "max_rounds": 1}
    written = _data(client.post("/api/content/generate", json=body, headers=headers))
    piece_id = written["piece_id"]
    piece = _data(client.get(f"/api/content/{piece_id}", headers=headers))
    assert (piece["status"], piece["text"]) == ("draft", written["text"])
    assert piece["strategy_id"] == first["strategy_id"]

    hook = {"name": "hook", "kind": "webhook", "url": receiver.url, "secret": "s" * 20}
    _data(client.post("/api/content/publishers", json=hook, headers=headers), 201)
    receiver.answer = {"external_id": "urn:li:activity:7001"}
    at = datetime.now(UTC) + timedelta(seconds=1)
    schedule = {"at": at.isoformat(), "publisher": "hook"}
    _data(client.post(f"/api/content/{piece_id}/schedule", json=schedule, headers=headers))
    time.sleep(1.1)
    state = client.app.state.personae  # type: ignore[attr-defined]
    (job_id,) = DueScheduler(state.database, state.jobs).tick()
    deadline = time.monotonic() + 30
    while (job := _data(client.get(f"/api/jobs/{job_id}", headers=headers)))["status"] not in {
        "succeeded",
        "failed",
    }:
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
    assert job["result"]["published"] == [piece_id], job
    published = _data(client.get(f"/api/content/{piece_id}", headers=headers))
    assert (published["status"], published["external_id"]) == ("published", "urn:li:activity:7001")
    assert len(receiver.requests) == 1

    imported = _data(
        client.post(
            "/api/content/engagement", json={"csv": EXPORT, "settle": True}, headers=headers
        )
    )
    assert imported["imported"] == 1
    (settled,) = imported["settled"]
    assert (settled["piece_id"], settled["policy_updated"]) == (piece_id, True)

    report = _data(client.get(f"/api/v1/strategy/{pid}/performance", headers=headers))
    assert (report["rewarded_episodes"], report["policy_updates"]) == (1, 1)
    assert [point["reward"] for point in report["rewards"]] == [pytest.approx(settled["reward"])]
    assert report["mean_reward"] == pytest.approx(settled["reward"])
    after = _data(client.post("/api/v1/strategy/generate", json=choice, headers=headers), 201)
    assert "after 1 measured result" in after["explanation"]["summary"]
