"""Character cards over HTTP: V2 and V3, JSON and PNG, in and out, losing nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from personae.store import card_from_png, card_to_png
from tests.api.helpers import User, create_persona, error_of

V2 = {
    "spec": "chara_card_v2",
    "spec_version": "2.0",
    "data": {
        "name": "Séra Vale",
        "description": "A lighthouse keeper.",
        "personality": "Patient, wry.",
        "scenario": "A storm.",
        "first_mes": "You made it.",
        "mes_example": "<START>",
        "creator_notes": "made by hand",
        "system_prompt": "",
        "post_history_instructions": "",
        "alternate_greetings": ["Hello."],
        "character_book": None,
        "tags": ["sea", "night"],
        "creator": "me",
        "character_version": "3",
        "extensions": {"depth_prompt": {"depth": 4}},
    },
}
V3 = {
    "spec": "chara_card_v3",
    "spec_version": "3.0",
    "data": {**V2["data"], "nickname": "Sera", "group_only_greetings": [], "assets": []},  # type: ignore[dict-item]
    "unknown_top_level": {"kept": True},
}


def _import(client: TestClient, user: User, body: bytes, content_type: str, query: str = ""):
    return client.post(
        f"/api/personas/import/card{query}",
        content=body,
        headers=user.headers | {"content-type": content_type},
    )


@pytest.mark.parametrize("card", [V2, V3], ids=["v2", "v3"])
def test_json_cards_round_trip(client: TestClient, alice: User, card: dict[str, Any]) -> None:
    response = _import(client, alice, json.dumps(card).encode(), "application/json")
    assert response.status_code == 201, response.text
    persona = response.json()["data"]
    assert (persona["name"], persona["display_name"]) == ("Sera Vale", "Séra Vale")
    assert persona["greeting"] == "You made it."
    exported = client.get(f"/api/personas/{persona['id']}/card", headers=alice.headers)
    assert exported.status_code == 200
    assert exported.json()["data"] == card


@pytest.mark.parametrize("card", [V2, V3], ids=["v2", "v3"])
def test_png_cards_round_trip(client: TestClient, alice: User, card: dict[str, Any]) -> None:
    response = _import(client, alice, card_to_png(card), "image/png", "?name=sera")
    assert response.status_code == 201, response.text
    pid = response.json()["data"]["id"]
    assert response.json()["data"]["name"] == "sera"
    png = client.get(f"/api/personas/{pid}/card?format=png", headers=alice.headers)
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.headers["content-disposition"] == 'attachment; filename="sera.png"'
    assert card_from_png(png.content) == card


def test_a_persona_that_was_never_a_card_exports_as_v2_or_v3(
    client: TestClient, alice: User
) -> None:
    pid = create_persona(client, alice, name="plain", context="Described.")["id"]
    v2 = client.get(f"/api/personas/{pid}/card", headers=alice.headers).json()["data"]
    assert (v2["spec"], v2["data"]["name"], v2["data"]["description"]) == (
        "chara_card_v2",
        "plain",
        "Described.",
    )
    v3 = client.get(f"/api/personas/{pid}/card?spec=chara_card_v3", headers=alice.headers)
    assert v3.json()["data"]["spec"] == "chara_card_v3"
    # and back in, under another name
    again = _import(client, alice, json.dumps(v2).encode(), "application/json", "?name=copy")
    assert again.status_code == 201
    assert again.json()["data"]["context"] == "Described."


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"not a card", "text/plain"),
        (b'{"spec": "chara_card_v9", "data": {"name": "x"}}', "application/json"),
        (b'{"spec": "chara_card_v2"}', "application/json"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        (b"", "application/json"),
    ],
)
def test_unreadable_cards_are_a_422(
    client: TestClient, alice: User, body: bytes, content_type: str
) -> None:
    response = _import(client, alice, body, content_type)
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid_card"


def test_importing_a_name_twice_is_a_409(client: TestClient, alice: User) -> None:
    body = json.dumps(V2).encode()
    assert _import(client, alice, body, "application/json").status_code == 201
    again = _import(client, alice, body, "application/json")
    assert again.status_code == 409
    assert _import(client, alice, body, "application/json", "?name=other").status_code == 201
    assert _import(client, alice, body, "application/json", "?name=bad%2Fname").status_code == 422


def test_export_options_are_checked(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    for query in ("?format=gif", "?spec=chara_card_v1"):
        response = client.get(f"/api/personas/{pid}/card{query}", headers=alice.headers)
        assert response.status_code == 422, query
