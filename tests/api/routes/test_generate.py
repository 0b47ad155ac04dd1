"""Generation over HTTP: persona jobs, drafts, content (JSON and SSE), platform adaptation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.config import Settings
from personae.llm import LLM
from personae.samples import SampleWriter
from personae.store import Database, crud, session_scope
from tests.api.helpers import User, create_persona, error_of
from tests.doubles import persona_writer
from tests.waiting import settled_job


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app with a scripted writer as its model (jobs run in a thread of the app)."""

    def llm_for(owner_id: int, purpose: str, spec: str | None) -> LLM:
        if spec == "broken:model":
            from personae.llm import build_llm

            return build_llm(settings, spec)  # raises: unknown provider
        return persona_writer()

    with TestClient(create_app(settings, llm_for=llm_for)) as test_client:
        yield test_client


def _founder(writers: list[SampleWriter]) -> SampleWriter:
    return next(w for w in writers if w.key == "founder")


def _wait_for(client: TestClient, user: User, url: str) -> dict[str, Any]:
    return settled_job(lambda: client.get(url, headers=user.headers).json()["data"])


def test_generation_is_a_job_that_ends_in_a_stored_persona(
    client: TestClient, alice: User, bob: User, writers: list[SampleWriter]
) -> None:
    body = {
        "name": "founder",
        "writing_samples": list(_founder(writers).training),
        "onboarding": {"business_type": "SaaS", "target_audience": "founders"},
    }
    accepted = client.post("/api/personas/generate", json=body, headers=alice.headers)
    assert accepted.status_code == 202, accepted.text
    status_url = accepted.json()["data"]["status_url"]
    # another user cannot see the job
    assert client.get(status_url, headers=bob.headers).status_code == 404
    job = _wait_for(client, alice, status_url)
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0
    persona_id = job["result"]["persona_id"]
    persona = client.get(f"/api/personas/{persona_id}", headers=alice.headers).json()["data"]
    assert persona["display_name"] == "founder"  # the name given, not one the model made up
    assert persona["linguistic_fingerprint"]["word_count"] > 0
    assert 0 < persona["confidence_score"] < 1
    analytics = client.get(f"/api/personas/{persona_id}/analytics", headers=alice.headers)
    assert analytics.status_code == 200
    listed = client.get("/api/jobs", headers=alice.headers).json()["data"]
    assert [j["id"] for j in listed] == [status_url.rsplit("/", 1)[1]]
    assert client.get("/api/jobs", headers=bob.headers).json()["data"] == []


def test_what_can_be_refused_at_once_is_not_queued(
    client: TestClient, alice: User, writers: list[SampleWriter]
) -> None:
    empty = client.post(
        "/api/personas/generate", json={"name": "x", "writing_samples": []}, headers=alice.headers
    )
    assert empty.status_code == 422
    assert "generate/samples" in error_of(empty)["message"]
    create_persona(client, alice, name="taken")
    samples = list(_founder(writers).training)
    taken = client.post(
        "/api/personas/generate",
        json={"name": "taken", "writing_samples": samples},
        headers=alice.headers,
    )
    assert taken.status_code == 409
    unknown = client.post(
        "/api/personas/generate",
        json={"name": "y", "writing_samples": samples, "llm": "broken:model"},
        headers=alice.headers,
    )
    assert unknown.status_code == 422, unknown.text
    assert client.get("/api/jobs", headers=alice.headers).json()["data"] == []
    assert client.post("/api/personas/generate", json={"name": "z"}).status_code == 401


def test_drafts_from_onboarding(client: TestClient, alice: User) -> None:
    response = client.post(
        "/api/personas/generate/samples",
        json={"onboarding": {"business_type": "bakery", "target_audience": "neighbours"}},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["data"]["samples"]) == 3
    nothing = client.post(
        "/api/personas/generate/samples", json={"onboarding": {}}, headers=alice.headers
    )
    assert nothing.status_code == 422


def _persona_with_voice(client: TestClient, user: User, writers: list[SampleWriter]) -> int:
    return int(
        create_persona(
            client,
            user,
            name="voice",
            writing_samples=list(_founder(writers).training),
            stylistic_constraints={"avoid_words": ["synergy"]},
        )["id"]
    )


def test_content_through_the_optimize_loop_is_scored_and_stored(
    client: TestClient, alice: User, bob: User, writers: list[SampleWriter]
) -> None:
    pid = _persona_with_voice(client, alice, writers)
    body = {"persona_id": pid, "platform": "x", "brief": "what we shipped", "max_rounds": 2}
    response = client.post("/api/content/generate", json=body, headers=alice.headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    report = data["report"]
    assert data["text"]
    assert report["details"]["platform"]["passed"] is True
    assert report["authenticity_score"] is not None
    assert len(data["trace"]) >= 2
    assert data["llm_ms"] >= 0
    assert data["pipeline_ms"] >= 0
    quality = client.get(f"/api/personas/{pid}/quality", headers=alice.headers)
    assert quality.status_code == 200
    assert "write" in json.dumps(quality.json())
    # another user's persona, unknown platforms, empty briefs
    assert client.post("/api/content/generate", json=body, headers=bob.headers).status_code == 404
    unknown = client.post(
        "/api/content/generate", json={**body, "platform": "myspace"}, headers=alice.headers
    )
    assert unknown.status_code in {404, 422}
    assert error_of(unknown)["code"] in {"unknown_platform", "validation_error"}
    blank = client.post(
        "/api/content/generate", json={**body, "brief": "   "}, headers=alice.headers
    )
    assert blank.status_code == 422


def test_content_is_written_against_the_owners_other_voices_by_default(
    client: TestClient, alice: User, bob: User, writers: list[SampleWriter]
) -> None:
    """No ``against``: the loop and the score set the text against the owner's other
    measured personas (the attribution share is there), never another user's."""
    pid = _persona_with_voice(client, alice, writers)
    body = {"persona_id": pid, "platform": "x", "brief": "what we shipped", "max_rounds": 1}
    alone = client.post("/api/content/generate", json=body, headers=alice.headers)
    assert alone.status_code == 200, alone.text
    assert alone.json()["data"]["report"]["details"]["authenticity"]["share"] is None
    cook = next(w for w in writers if w.key == "cook")
    create_persona(client, bob, name="bobs", writing_samples=list(cook.training))
    still_alone = client.post("/api/content/generate", json=body, headers=alice.headers)
    assert still_alone.json()["data"]["report"]["details"]["authenticity"]["share"] is None
    create_persona(client, alice, name="cook", writing_samples=list(cook.training))
    against = client.post("/api/content/generate", json=body, headers=alice.headers)
    assert against.status_code == 200, against.text
    share = against.json()["data"]["report"]["details"]["authenticity"]["share"]
    assert share is not None
    assert 0.0 <= share <= 1.0


def test_content_streams_as_server_sent_events(
    client: TestClient, alice: User, writers: list[SampleWriter]
) -> None:
    pid = _persona_with_voice(client, alice, writers)
    body = {"persona_id": pid, "platform": "linkedin", "brief": "lessons", "stream": True}
    with client.stream("POST", "/api/content/generate", json=body, headers=alice.headers) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = "".join(r.iter_text())
    events = [block for block in raw.split("\n\n") if block.strip()]
    names = [block.split("\n")[0].removeprefix("event: ") for block in events]
    assert names.count("token") >= 5
    assert names[-1] == "done"
    done = json.loads(events[-1].split("\n", 1)[1].removeprefix("data: "))
    tokens = "".join(
        json.loads(block.split("\n", 1)[1].removeprefix("data: "))["text"]
        for block in events
        if block.startswith("event: token")
    )
    assert done["text"] == tokens.strip()
    assert done["report"]["platform"] == "linkedin"


def test_platform_adaptation_is_computed_and_readable(
    client: TestClient, alice: User, bob: User, writers: list[SampleWriter]
) -> None:
    pid = _persona_with_voice(client, alice, writers)
    url = f"/api/personas/{pid}/platform/instagram/optimize"
    response = client.post(url, headers=alice.headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["platform"] == "instagram"
    assert data["platform_specific_data"]["constraints"]["hashtags"]["max"] == 30
    read = client.get(f"/api/personas/{pid}/platform/instagram", headers=alice.headers)
    assert read.status_code == 200
    assert read.json()["data"]["platform_specific_data"] == data["platform_specific_data"]
    assert client.post(url, headers=bob.headers).status_code == 404


def test_platform_adaptation_carries_the_audience_clusters(
    client: TestClient, alice: User, writers: list[SampleWriter], db: Database
) -> None:
    pid = _persona_with_voice(client, alice, writers)

    def cluster(size: int, hours: list[int], kinds: list[str]) -> dict[str, Any]:
        characteristics = {
            "peak_engagement_hours": hours,
            "preferred_content_types": kinds,
            "avg_engagement_rate": 0.04,
        }
        return {
            "slot": None,
            "size": size,
            "characteristics": characteristics,
            "embedding": [0.0],
            "members": [],
        }

    with session_scope(db) as session:
        crud.replace_audience_clusters(
            session=session,
            owner_id=alice.id,
            persona_id=pid,
            clusters=[cluster(300, [9, 18], ["video"]), cluster(100, [18, 21], ["text"])],
        )
    response = client.post(f"/api/personas/{pid}/platform/linkedin/optimize", headers=alice.headers)
    assert response.status_code == 200, response.text
    audience = response.json()["data"]["platform_specific_data"]["audience"]
    assert [s["size"] for s in audience["segments"]] == [300, 100]
    assert audience["segments"][0]["preferred_content_types"] == ["video"]
    assert audience["best_posting_hours"] == [18, 9, 21]  # weighted by segment size
