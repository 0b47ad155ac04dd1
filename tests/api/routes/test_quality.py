"""Quality, feedback and analytics: stored and computed, never invented."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from personae.samples import SampleWriter
from personae.store import Database, crud, session_scope
from personae.style import StyleProfile
from tests.api.helpers import User, create_persona, error_of


def test_quality_of_a_persona_without_a_voice(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice, confidence_score=0.4)["id"]
    report = client.get(f"/api/personas/{pid}/quality", headers=alice.headers).json()["data"]
    assert report == {
        "persona_id": pid,
        "version": 1,
        "confidence_score": 0.4,
        "profile": None,
        "validation_results": [],
        "feedback": {"count": 0, "mean_rating": None},
    }


def test_quality_reports_the_measured_voice_and_stored_checks(
    client: TestClient, alice: User, writers: list[SampleWriter], db: Database
) -> None:
    writer = writers[2]
    pid = create_persona(client, alice, writing_samples=list(writer.training))["id"]
    with session_scope(db) as session:
        crud.add_validation_result(
            session=session,
            owner_id=alice.id,
            persona_id=pid,
            validation_status="passed",
            metrics={"consistency": 0.9},
        )
    report = client.get(f"/api/personas/{pid}/quality", headers=alice.headers).json()["data"]
    profile = StyleProfile.from_texts(writer.training, name="analyst")
    assert report["profile"] == {
        "name": "analyst",
        "sample_count": len(writer.training),
        "word_count": profile.word_count,
        "english_samples": profile.english_samples,
        "dimensions": len(profile.dimensions),
    }
    assert [(r["validation_status"], r["metrics"]) for r in report["validation_results"]] == [
        ("passed", {"consistency": 0.9})
    ]


def test_a_rating_is_recorded_without_changing_the_persona(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    response = client.post(
        f"/api/personas/{pid}/feedback",
        json={"rating": 4, "comment": "good"},
        headers=alice.headers,
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert (data["rating"], data["profile_updated"], data["edit_match_score"]) == (4, False, None)
    assert data["persona"]["version"] == 1
    client.post(f"/api/personas/{pid}/feedback", json={"rating": 2}, headers=alice.headers)
    quality = client.get(f"/api/personas/{pid}/quality", headers=alice.headers).json()["data"]
    assert quality["feedback"] == {"count": 2, "mean_rating": 3.0}


def test_an_edited_text_updates_the_voice_as_a_new_version(
    client: TestClient, alice: User, writers: list[SampleWriter]
) -> None:
    writer = writers[0]
    pid = create_persona(client, alice, writing_samples=list(writer.training))["id"]
    assert client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]["version"] == 1
    response = client.post(
        f"/api/personas/{pid}/feedback",
        json={"rating": 5, "edited_text": writer.held_out, "version": 1},
        headers=alice.headers,
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["profile_updated"] is True
    expected = StyleProfile.from_texts(writer.training, name="analyst")
    assert data["edit_match_score"] == pytest.approx(expected.match(writer.held_out).score)
    expected.update([writer.held_out])
    assert data["persona"]["version"] == 2
    assert data["persona"]["linguistic_fingerprint"] == json.loads(expected.to_json())
    # Served at once, not from a cached version 1.
    now = client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]
    assert now["version"] == 2
    assert now["linguistic_fingerprint"]["sample_count"] == len(writer.training) + 1
    history = client.get(f"/api/personas/{pid}/versions", headers=alice.headers).json()["data"]
    assert history[-1]["message"].startswith("feedback:")


def test_an_edited_text_gives_a_voiceless_persona_its_first_voice(
    client: TestClient, alice: User, writers: list[SampleWriter]
) -> None:
    pid = create_persona(client, alice)["id"]
    text = writers[1].held_out
    data = client.post(
        f"/api/personas/{pid}/feedback",
        json={"rating": 3, "edited_text": text},
        headers=alice.headers,
    ).json()["data"]
    assert data["edit_match_score"] is None  # there was no voice to match against
    assert data["persona"]["linguistic_fingerprint"]["sample_count"] == 1


def test_feedback_on_a_changed_persona_is_a_409(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    client.put(f"/api/personas/{pid}", json={"version": 1, "role": "x"}, headers=alice.headers)
    response = client.post(
        f"/api/personas/{pid}/feedback",
        json={"rating": 3, "edited_text": "Words " * 30, "version": 1},
        headers=alice.headers,
    )
    assert response.status_code == 409
    quality = client.get(f"/api/personas/{pid}/quality", headers=alice.headers).json()["data"]
    assert quality["feedback"]["count"] == 0  # nothing was recorded


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"rating": 0}, 422),
        ({"rating": 6}, 422),
        ({"rating": "five"}, 422),
        ({"rating": 3, "edited_text": "   "}, 422),
        ({"rating": 3, "edited_text": "bin\x00"}, 422),
        ({"rating": 3, "comment": "x" * 2001}, 422),
    ],
)
def test_bad_feedback_is_a_422(client: TestClient, alice: User, body: dict, status: int) -> None:
    pid = create_persona(client, alice)["id"]
    response = client.post(f"/api/personas/{pid}/feedback", json=body, headers=alice.headers)
    assert response.status_code == status
    error_of(response)


def test_analytics_are_computed_from_the_stored_rows(
    client: TestClient, alice: User, writers: list[SampleWriter]
) -> None:
    writer = writers[0]
    pid = create_persona(client, alice, writing_samples=list(writer.training))["id"]
    client.put(f"/api/personas/{pid}", json={"version": 1, "role": "x"}, headers=alice.headers)
    for rating in (5, 3):
        client.post(f"/api/personas/{pid}/feedback", json={"rating": rating}, headers=alice.headers)
    client.post(
        f"/api/personas/{pid}/feedback",
        json={"rating": 4, "edited_text": writer.held_out},
        headers=alice.headers,
    )
    report = client.get(f"/api/personas/{pid}/analytics", headers=alice.headers).json()["data"]
    assert report["versions"]["count"] == 3
    assert report["versions"]["current"] == 3
    assert [point["rating"] for point in report["ratings"]] == [5.0, 3.0, 4.0]
    assert sum(day["count"] for day in report["ratings_by_day"]) == 3
    assert report["ratings_by_day"][0]["mean_rating"] == pytest.approx(4.0)
    metrics = {m["metric"]: m for m in report["metrics"]}
    assert set(metrics) == {"edit_match_score", "feedback_rating"}
    assert (metrics["feedback_rating"]["count"], metrics["feedback_rating"]["mean"]) == (3, 4.0)
    assert (metrics["feedback_rating"]["min"], metrics["feedback_rating"]["max"]) == (3.0, 5.0)
    assert metrics["feedback_rating"]["latest"] == 4.0
    assert 0.0 <= metrics["edit_match_score"]["latest"] <= 1.0


def test_analytics_of_a_fresh_persona(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    report = client.get(f"/api/personas/{pid}/analytics", headers=alice.headers).json()["data"]
    assert report["versions"]["count"] == 1
    assert (report["ratings"], report["ratings_by_day"], report["metrics"]) == ([], [], [])
