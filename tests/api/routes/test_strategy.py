"""``/api/v1/engagement`` and ``/api/v1/strategy``: the learning loop over HTTP, owner-scoped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from personae.api.routes.strategy import get_embedder
from tests.api.helpers import User, create_persona, error_of
from tests.doubles import WordHashEmbedder
from tests.strategy.helpers import planted_audience, snapshot_rows

MONDAY = datetime(2026, 1, 5, 9, tzinfo=UTC)
OPTIONS = {
    "topics": ["ai", "careers"],
    "formats": ["text", "video"],
    "tones": ["calm"],
    "posting_hours": [9, 18],
    "platforms": ["linkedin"],
}


@pytest.fixture(autouse=True)
def _test_embedder(app: FastAPI) -> None:
    embedder = WordHashEmbedder()
    app.dependency_overrides[get_embedder] = lambda: embedder


def _generate(client: TestClient, user: User, creator: int, **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/strategy/generate",
        json={"creator_id": creator, **OPTIONS, **extra},
        headers=user.headers,
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def test_the_loop_over_http(client: TestClient, alice: User) -> None:
    creator = create_persona(client, alice, name="ada")["id"]
    h = alice.headers
    rec = _generate(client, alice, creator)
    brief = rec["content_brief"]
    assert set(brief) == {"topic", "format", "tone", "platform", "posting_hour", "instructions"}
    assert brief["topic"] in ("ai", "careers")
    assert brief["posting_hour"] in (9, 18)
    assert rec["explanation"]["summary"]
    assert 0 <= rec["confidence"] <= 1
    assert client.get(f"/api/v1/strategy/{creator}/current", headers=h).json()["data"] == rec

    events = [
        snapshot_rows(
            content_id=f"old{i}",
            reach=1000,
            interactions=30,
            published=MONDAY - timedelta(days=9 - i),
        )
        for i in range(3)
    ]
    events.append(
        snapshot_rows(
            content_id="new",
            reach=1000,
            interactions=60,
            published=MONDAY,
            strategy_id=rec["strategy_id"],
        )
    )
    events.append({"external_id": "bad", "platform": "linkedin"})
    events.append(["not", "an", "object"])
    imported = client.post(
        "/api/v1/engagement", json={"creator_id": creator, "events": events}, headers=h
    )
    assert imported.status_code == 200, imported.text
    report = imported.json()["data"]
    assert (report["received"], report["inserted"], report["updated"], report["unchanged"]) == (
        6,
        4,
        0,
        0,
    )
    assert {(r["row"], r["field"]) for r in report["rejected"]} >= {
        (5, "content_id"),
        (5, "occurred_at"),
        (6, None),
    }
    again = client.post(
        "/api/v1/engagement", json={"creator_id": creator, "events": events}, headers=h
    )
    assert again.json()["data"]["unchanged"] == 4
    assert again.json()["data"]["inserted"] == 0

    feedback = client.put(f"/api/v1/strategy/{rec['strategy_id']}/feedback", json={}, headers=h)
    assert feedback.status_code == 200, feedback.text
    result = feedback.json()["data"]
    assert result["episode_id"] == rec["episode_id"]
    assert result["components"]["engagement_rate"] > 1.0  # twice the creator's typical rate
    assert result["policy_updates"] == 1
    conflict = client.put(
        f"/api/v1/strategy/{rec['strategy_id']}/feedback",
        json={"episode_id": rec["episode_id"], "metrics": {"engagement_rate": 1.0}},
        headers=h,
    )
    assert conflict.status_code == 409
    assert error_of(conflict)["code"] == "feedback_conflict"

    performance = client.get(f"/api/v1/strategy/{creator}/performance", headers=h).json()["data"]
    assert performance["rewarded_episodes"] == 1
    assert performance["platforms"][0]["platform"] == "linkedin"
    assert performance["engagement_events"] == 4

    second = _generate(client, alice, creator)
    page = client.get(f"/api/v1/strategy/{creator}/episodes?limit=1", headers=h).json()["data"]
    assert page["total"] == 2
    assert [e["id"] for e in page["items"]] == [second["episode_id"]]
    rewarded = client.get(f"/api/v1/strategy/{creator}/episodes?rewarded=true", headers=h).json()[
        "data"
    ]
    assert [e["reward"] for e in rewarded["items"]] == [result["reward"]]

    weights = client.put(f"/api/v1/strategy/{creator}/weights", json={"w1": 2, "w4": 0}, headers=h)
    assert weights.status_code == 200
    assert client.get(f"/api/v1/strategy/{creator}/weights", headers=h).json()["data"] == {
        "w1": 2.0,
        "w2": 0.5,
        "w3": 5.0,
        "w4": 0.0,
    }

    similar = client.get(
        f"/api/v1/strategy/{creator}/similar", params={"q": brief["topic"]}, headers=h
    )
    assert similar.status_code == 200
    assert [s["strategy_id"] for s in similar.json()["data"]] == [rec["strategy_id"]]
    nxt = client.get(f"/api/v1/strategy/{rec['strategy_id']}/next", headers=h)
    assert nxt.status_code == 200


def test_clusters_over_http(client: TestClient, alice: User) -> None:
    creator = create_persona(client, alice, name="ada")["id"]
    h = alice.headers
    empty = client.post(f"/api/v1/strategy/{creator}/clusters", json={}, headers=h)
    assert empty.status_code == 422
    assert error_of(empty)["code"] == "not_enough_data"
    rows, _ = planted_audience(members=60, events_per_member=15, segments=3)
    assert client.post(
        "/api/v1/engagement", json={"creator_id": creator, "events": rows}, headers=h
    ).is_success
    made = client.post(f"/api/v1/strategy/{creator}/clusters", json={"k": 3}, headers=h)
    assert made.status_code == 200, made.text
    clusters = made.json()["data"]
    assert sorted(c["size"] for c in clusters) == [20, 20, 20]
    for cluster in clusters:
        assert {
            "peak_engagement_hours",
            "preferred_content_types",
            "avg_engagement_rate",
            "embedding",
        } <= set(cluster)
    page = client.get(f"/api/v1/strategy/{creator}/clusters?offset=1&limit=1", headers=h).json()[
        "data"
    ]
    assert page["total"] == 3
    assert page["items"][0]["id"] == clusters[1]["id"]
    rec = _generate(client, alice, creator, audience_cluster_id=clusters[2]["id"])
    assert rec["audience_cluster_id"] == clusters[2]["id"]


def _routes(creator: int, strategy: int, episode: int) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("POST", "/api/v1/engagement", {"json": {"creator_id": creator, "events": []}}),
        ("POST", "/api/v1/strategy/generate", {"json": {"creator_id": creator, **OPTIONS}}),
        ("GET", f"/api/v1/strategy/{creator}/current", {}),
        (
            "PUT",
            f"/api/v1/strategy/{strategy}/feedback",
            {"json": {"episode_id": episode, "metrics": {"engagement_rate": 1}}},
        ),
        ("GET", f"/api/v1/strategy/{creator}/performance", {}),
        ("GET", f"/api/v1/strategy/{creator}/clusters", {}),
        ("POST", f"/api/v1/strategy/{creator}/clusters", {"json": {}}),
        ("GET", f"/api/v1/strategy/{creator}/episodes", {}),
        ("GET", f"/api/v1/strategy/{creator}/weights", {}),
        ("PUT", f"/api/v1/strategy/{creator}/weights", {"json": {"w1": 9}}),
        ("GET", f"/api/v1/strategy/{creator}/similar", {"params": {"q": "ai"}}),
        ("GET", f"/api/v1/strategy/{strategy}/next", {}),
    ]


def test_every_route_is_covered(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    documented = {
        (method.upper(), path)
        for path, item in paths.items()
        if path.startswith("/api/v1/")
        for method in item
    }
    tested = {
        (method, path.replace("/1/", "/{creator_id}/")) for method, path, _ in _routes(1, 2, 3)
    }
    normalise = {
        ("PUT", "/api/v1/strategy/{strategy_id}/feedback"): (
            "PUT",
            "/api/v1/strategy/{creator_id}/feedback",
        ),
        ("GET", "/api/v1/strategy/{strategy_id}/next"): (
            "GET",
            "/api/v1/strategy/{creator_id}/next",
        ),
    }
    documented = {normalise.get(item, item) for item in documented}
    tested = {(m, p.replace("/2/", "/{creator_id}/")) for m, p in tested}
    assert documented == tested


def test_another_users_creator_strategy_and_episode_are_404(
    client: TestClient, alice: User, bob: User
) -> None:
    creator = create_persona(client, alice, name="ada")["id"]
    rec = _generate(client, alice, creator)
    before = client.get(f"/api/v1/strategy/{creator}/episodes", headers=alice.headers).json()[
        "data"
    ]
    for method, path, kwargs in _routes(creator, rec["strategy_id"], rec["episode_id"]):
        response = client.request(method, path, headers=bob.headers, **kwargs)
        assert response.status_code == 404, (method, path, response.text)
        assert error_of(response)["code"] in {"persona_not_found", "strategy_not_found"}
    after = client.get(f"/api/v1/strategy/{creator}/episodes", headers=alice.headers).json()["data"]
    assert after == before
    weights = client.get(f"/api/v1/strategy/{creator}/weights", headers=alice.headers).json()[
        "data"
    ]
    assert weights["w1"] == 1.0


def test_every_route_needs_a_sign_in(client: TestClient, alice: User) -> None:
    for method, path, kwargs in _routes(1, 1, 1):
        response = client.request(method, path, **kwargs)
        assert response.status_code == 401, (method, path)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "where"),
    [
        (
            "POST",
            "/api/v1/strategy/generate",
            {"json": {"creator_id": 1, "posting_hours": [25]}},
            "body.posting_hours",
        ),
        ("POST", "/api/v1/strategy/generate", {"json": {"creator_id": 0}}, "body.creator_id"),
        (
            "POST",
            "/api/v1/strategy/generate",
            {"json": {"creator_id": 1, "policy": "magic"}},
            "body.policy",
        ),
        ("POST", "/api/v1/engagement", {"json": {"creator_id": 1, "events": {}}}, "body.events"),
        ("POST", "/api/v1/engagement", {"json": {"creator_id": 1}}, "body.events"),
        (
            "PUT",
            "/api/v1/strategy/1/feedback",
            {"json": {"metrics": {"engagement_rate": -1}}},
            "body.metrics.engagement_rate",
        ),
        ("PUT", "/api/v1/strategy/1/feedback", {"json": {"reward": 1}}, "body.reward"),
        ("PUT", "/api/v1/strategy/1/weights", {"json": {"w1": -1}}, "body.w1"),
        ("GET", "/api/v1/strategy/1/episodes", {"params": {"limit": 0}}, "query.limit"),
        ("GET", "/api/v1/strategy/1/similar", {"params": {"q": ""}}, "query.q"),
        ("GET", "/api/v1/strategy/0/current", {}, "path.creator_id"),
    ],
)
def test_bad_input_is_a_422(
    client: TestClient, alice: User, method: str, path: str, kwargs: dict[str, Any], where: str
) -> None:
    response = client.request(method, path, headers=alice.headers, **kwargs)
    assert response.status_code == 422, response.text
    locations = [e["loc"] for e in error_of(response)["details"]["errors"]]
    assert any(loc.startswith(where) for loc in locations), locations


def test_options_that_cannot_make_strategies_are_a_422(client: TestClient, alice: User) -> None:
    creator = create_persona(client, alice, name="ada")["id"]
    too_many = {
        "creator_id": creator,
        "topics": [f"t{i}" for i in range(50)],
        "formats": [f"f{i}" for i in range(50)],
        "posting_hours": list(range(24)),
    }
    response = client.post("/api/v1/strategy/generate", json=too_many, headers=alice.headers)
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid_input"
    bad_topic = {"creator_id": creator, "topics": ["a|b"]}
    assert (
        client.post("/api/v1/strategy/generate", json=bad_topic, headers=alice.headers).status_code
        == 422
    )


def test_current_before_any_recommendation_is_a_404(client: TestClient, alice: User) -> None:
    creator = create_persona(client, alice, name="ada")["id"]
    response = client.get(f"/api/v1/strategy/{creator}/current", headers=alice.headers)
    assert response.status_code == 404
    assert error_of(response)["code"] == "strategy_not_found"
