"""``/api/style/analyze`` and ``/api/personas/{id}/match`` and ``/verify``: the style core
over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.samples import SampleWriter
from personae.store import Database
from personae.style import StyleProfile, analyze, verify
from tests.api.helpers import User, create_persona, error_of, make_settings
from tests.resources import FEDERALIST, THREE_SENTENCES


def test_analyze_returns_the_fingerprint(client: TestClient, alice: User) -> None:
    response = client.post("/api/style/analyze", json={"text": FEDERALIST}, headers=alice.headers)
    assert response.status_code == 200
    assert response.json()["data"] == analyze(FEDERALIST).model_dump(mode="json")


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty_text"), ("   \n ", "empty_text"), ("a\x00b", "binary_input")],
)
def test_texts_that_cannot_be_measured_are_a_422(
    client: TestClient, alice: User, text: str, code: str
) -> None:
    response = client.post("/api/style/analyze", json={"text": text}, headers=alice.headers)
    assert response.status_code == 422
    assert error_of(response)["code"] == code


def test_the_text_size_follows_the_settings(
    db: Database, database_url: str, tmp_path: Path, alice: User
) -> None:
    settings = make_settings(database_url, tmp_path, max_text_chars=100)
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/api/style/analyze", json={"text": "word " * 30}, headers=alice.headers
        )
        assert response.status_code == 422
        error = error_of(response)
        assert error["code"] == "text_too_large"
        assert error["details"] == {"size": 150, "limit": 100}
        pid = create_persona(client, alice)["id"]
        match = client.post(
            f"/api/personas/{pid}/match", json={"text": "word " * 30}, headers=alice.headers
        )
        assert error_of(match)["code"] == "text_too_large"


def test_analyze_needs_a_text_string(client: TestClient, alice: User) -> None:
    for body in ({}, {"text": 5}, {"text": "x", "extra": 1}):
        response = client.post("/api/style/analyze", json=body, headers=alice.headers)
        assert response.status_code == 422
        assert error_of(response)["code"] == "validation_error"


def _voice(client: TestClient, user: User, writer: SampleWriter, name: str) -> int:
    persona = create_persona(
        client, user, name=name, display_name=writer.name, writing_samples=list(writer.training)
    )
    return int(persona["id"])


def test_match_equals_the_profiles_match(
    client: TestClient, alice: User, writers: list[SampleWriter]
) -> None:
    essayist = writers[1]
    pid = _voice(client, alice, essayist, "essayist")
    response = client.post(
        f"/api/personas/{pid}/match", json={"text": essayist.held_out}, headers=alice.headers
    )
    assert response.status_code == 200
    expected = StyleProfile.from_texts(essayist.training, name=essayist.name)
    assert response.json()["data"] == expected.match(essayist.held_out).model_dump(mode="json")


def test_match_against_rivals(client: TestClient, alice: User, writers: list[SampleWriter]) -> None:
    essayist = writers[1]
    ids = [_voice(client, alice, w, w.key) for w in writers]
    response = client.post(
        f"/api/personas/{ids[1]}/match",
        json={"text": essayist.held_out, "against": [ids[0], ids[2]]},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    profiles = [StyleProfile.from_texts(w.training, name=w.name) for w in writers]
    expected = profiles[1].match(essayist.held_out, against=[profiles[0], profiles[2]])
    assert response.json()["data"] == expected.model_dump(mode="json")
    assert response.json()["data"]["share"] is not None


def test_match_refuses_what_it_cannot_judge(
    client: TestClient, alice: User, bob: User, writers: list[SampleWriter]
) -> None:
    pid = _voice(client, alice, writers[0], "founder")
    voiceless = create_persona(client, alice, name="voiceless")["id"]
    bobs = _voice(client, bob, writers[1], "bobs")

    def match(target: int, **body: object):
        return client.post(f"/api/personas/{target}/match", json=body, headers=alice.headers)

    short = match(pid, text=THREE_SENTENCES)
    assert short.status_code == 422
    assert error_of(short)["code"] == "text_too_short"
    no_voice = match(voiceless, text=writers[0].held_out)
    assert no_voice.status_code == 422
    assert error_of(no_voice)["code"] == "invalid_profile"
    rival_without_voice = match(pid, text=writers[0].held_out, against=[voiceless])
    assert error_of(rival_without_voice)["code"] == "invalid_profile"
    itself = match(pid, text=writers[0].held_out, against=[pid])
    assert itself.status_code == 422
    someone_elses = match(pid, text=writers[0].held_out, against=[bobs])
    assert someone_elses.status_code == 404
    assert "bobs" not in someone_elses.text


# -- verify: the open-set question -----------------------------------------------------


def test_verify_equals_the_style_cores_answer_with_the_other_voices_as_impostors(
    client: TestClient, alice: User, writers: list[SampleWriter]
) -> None:
    ids = [_voice(client, alice, w, w.key) for w in writers]
    cook = writers[2]
    response = client.post(
        f"/api/personas/{ids[0]}/verify", json={"text": cook.held_out}, headers=alice.headers
    )
    assert response.status_code == 200, response.text
    founder, essayist, cooks = (StyleProfile.from_texts(w.training, name=w.name) for w in writers)
    expected = verify(founder, cook.held_out, impostors=[essayist, cooks])
    data = response.json()["data"]
    assert data == expected.model_dump(mode="json")
    assert data["nearest_impostors"][0] == cook.name


def test_verify_tells_the_own_text_from_anothers(
    client: TestClient, alice: User, writers: list[SampleWriter]
) -> None:
    founder, _, cook = writers
    pid = _voice(client, alice, founder, "founder")

    def probability(text: str) -> float:
        response = client.post(
            f"/api/personas/{pid}/verify", json={"text": text}, headers=alice.headers
        )
        assert response.status_code == 200, response.text
        return float(response.json()["data"]["probability"])

    assert probability(founder.held_out) > 0.5 > probability(cook.held_out)


def test_verify_refuses_what_it_cannot_judge(
    client: TestClient, alice: User, bob: User, writers: list[SampleWriter]
) -> None:
    pid = _voice(client, alice, writers[0], "founder")
    voiceless = create_persona(client, alice, name="voiceless")["id"]
    bobs = _voice(client, bob, writers[1], "bobs")

    def check(target: object, body: object, headers: dict[str, str] | None = None):
        return client.post(
            f"/api/personas/{target}/verify",
            json=body,
            headers=alice.headers if headers is None else headers,
        )

    short = check(pid, {"text": THREE_SENTENCES})
    assert short.status_code == 422
    assert error_of(short)["code"] == "text_too_short"
    assert error_of(check(voiceless, {"text": writers[0].held_out}))["code"] == "invalid_profile"
    someone_elses = check(bobs, {"text": writers[0].held_out})
    assert someone_elses.status_code == 404
    assert "bobs" not in someone_elses.text
    assert check(10**9, {"text": writers[0].held_out}).status_code == 404
    assert check("x", {"text": writers[0].held_out}).status_code == 422
    for body in ({}, {"text": 5}, {"text": writers[0].held_out, "against": []}, [1]):
        assert error_of(check(pid, body))["code"] == "validation_error"
    assert check(pid, {"text": writers[0].held_out}, headers={}).status_code == 401
