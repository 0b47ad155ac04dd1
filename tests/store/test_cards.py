"""Character Card V2/V3: JSON and PNG round trips lose nothing; bad input says why."""

from __future__ import annotations

import base64
import copy
import json
import struct
import zlib
from typing import Any

import pytest
from sqlalchemy.orm import Session

from personae.errors import CardError, DuplicateNameError
from personae.store import (
    Persona,
    PersonaCreate,
    PersonaUpdate,
    card_from_png,
    card_to_persona,
    card_to_png,
    crud,
    export_card,
    import_card,
    persona_to_card,
    read_card,
)

V2: dict[str, Any] = {
    "spec": "chara_card_v2",
    "spec_version": "2.0",
    "data": {
        "name": "Séraphina",
        "description": "A guardian of the forest glade.",
        "personality": "Kind, protective, wry.",
        "scenario": "You wake up in her glade.",
        "first_mes": "*She smiles.* You are safe here.",
        "mes_example": "<START>\n{{user}}: Who are you?\n{{char}}: Seraphina.",
        "creator_notes": "Best with long replies.",
        "system_prompt": "Stay in character.",
        "post_history_instructions": "Keep it gentle.",
        "alternate_greetings": ["Welcome back.", "Oh, it's you."],
        "character_book": {
            "name": "Glade lore",
            "entries": [
                {
                    "keys": ["glade"],
                    "content": "An old place.",
                    "enabled": True,
                    "insertion_order": 0,
                }
            ],
            "extensions": {},
        },
        "tags": ["fantasy", "guardian"],
        "creator": "someone",
        "character_version": "1.2",
        "extensions": {"talkativeness": "0.5", "depth_prompt": {"depth": 4, "prompt": "x"}},
        "unknown_future_field": {"kept": [1, 2, 3]},
    },
}

V3: dict[str, Any] = {
    "spec": "chara_card_v3",
    "spec_version": "3.0",
    "data": {
        **copy.deepcopy(V2["data"]),
        "nickname": "Sera",
        "creator_notes_multilingual": {"fr": "Mieux avec de longues réponses."},
        "source": ["https://example.org/sera"],
        "group_only_greetings": ["Hello, everyone."],
        "creation_date": 1700000000,
        "modification_date": 1710000000,
        "assets": [{"type": "icon", "uri": "ccdefault:", "name": "main", "ext": "png"}],
        "tags": [],
        "personality": "",
    },
    "top_level_extra": "kept too",
}

MINIMAL_V2: dict[str, Any] = {"spec": "chara_card_v2", "data": {"name": "Bare", "tags": None}}


@pytest.mark.parametrize("card", [V2, V3, MINIMAL_V2], ids=["v2", "v3", "minimal"])
def test_json_round_trip_through_the_store_is_lossless(
    session: Session, owner_ids: tuple[int, int], card: dict[str, Any]
) -> None:
    alice, _ = owner_ids
    persona = import_card(session=session, owner_id=alice, source=json.dumps(card))
    session.commit()
    exported = export_card(session=session, owner_id=alice, persona_id=persona.id)
    assert json.loads(json.dumps(exported)) == card


@pytest.mark.parametrize("card", [V2, V3], ids=["v2", "v3"])
def test_png_round_trip_is_lossless(
    session: Session, owner_ids: tuple[int, int], card: dict[str, Any]
) -> None:
    alice, _ = owner_ids
    png = card_to_png(card)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    key = b"ccv3" if card["spec"] == "chara_card_v3" else b"chara"
    assert b"tEXt" + key + b"\x00" in png
    persona = import_card(session=session, owner_id=alice, source=png)
    again = export_card(session=session, owner_id=alice, persona_id=persona.id, png=True)
    assert isinstance(again, bytes)
    assert card_from_png(again) == card


def test_fields_map_onto_the_persona(session: Session, owner_ids: tuple[int, int]) -> None:
    persona = import_card(session=session, owner_id=owner_ids[0], source=V2)
    assert persona.name == "Seraphina"  # an ASCII slug; the card's name is the display name
    assert persona.display_name == "Séraphina"
    assert persona.context == V2["data"]["description"]
    assert persona.core_belief == V2["data"]["personality"]
    assert persona.scenario == V2["data"]["scenario"]
    assert persona.greeting == V2["data"]["first_mes"]
    assert persona.example_dialogue == V2["data"]["mes_example"]
    assert persona.system_prompt == V2["data"]["system_prompt"]
    assert persona.expertise == ["fantasy", "guardian"]
    assert persona.persona_type == "character"
    with pytest.raises(DuplicateNameError):
        import_card(session=session, owner_id=owner_ids[0], source=V2)
    assert import_card(session=session, owner_id=owner_ids[0], source=V2, name="sera-2").id


def test_edits_to_the_persona_show_in_the_exported_card(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    persona = import_card(session=session, owner_id=alice, source=V3)
    crud.update_persona(
        session=session,
        owner_id=alice,
        persona_id=persona.id,
        update=PersonaUpdate(version=1, context="A new description."),
    )
    card = export_card(session=session, owner_id=alice, persona_id=persona.id)
    assert isinstance(card, dict)
    assert card["data"]["description"] == "A new description."
    assert card["data"]["nickname"] == "Sera"
    # Fields the card left out, or held in a form no column takes, show up once set.
    bare = import_card(session=session, owner_id=alice, source=MINIMAL_V2)
    assert "scenario" not in persona_to_card(bare)["data"]
    crud.update_persona(
        session=session,
        owner_id=alice,
        persona_id=bare.id,
        update=PersonaUpdate(version=1, scenario="A tavern.", expertise=["tavern"]),
    )
    data = persona_to_card(bare)["data"]
    assert (data["scenario"], data["tags"]) == ("A tavern.", ["tavern"])


def test_a_persona_that_was_never_a_card_exports_a_valid_v2_card() -> None:
    persona = Persona(
        **PersonaCreate(name="plain", context="About me", expertise=["sql"]).model_dump(),
        version=3,
    )
    card = persona_to_card(persona)
    assert card["spec"] == "chara_card_v2"
    assert card["spec_version"] == "2.0"
    assert card["data"]["description"] == "About me"
    assert card["data"]["tags"] == ["sql"]
    assert card["data"]["character_version"] == "3"
    assert read_card(card_to_png(persona_to_card(persona, spec="chara_card_v3")))["spec"] == (
        "chara_card_v3"
    )


def test_exporting_into_an_existing_png_replaces_its_card() -> None:
    first = card_to_png(V2)
    second = card_to_png(V3, image=first)
    assert second.count(b"tEXt") == 1
    assert card_from_png(second) == V3


def _png_with_text(key: bytes, value: bytes) -> bytes:
    blank = card_to_png(V2)
    # Rebuild the blank image with a hand-made chunk in place of the card.
    body = key + b"\x00" + value
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + body))
    start = blank.index(b"tEXtchara") - 4
    end = blank.index(b"IEND") - 4
    return blank[:start] + chunk + blank[end:]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (b"GIF89a not a png", "neither a PNG nor UTF-8 JSON"),
        (b"\xff\xfe\x00binary", "neither a PNG nor UTF-8 JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "truncated PNG"),
        (_png_with_text(b"comment", b"hello"), "no character card"),
        (_png_with_text(b"chara", b"!!!not base64!!!"), "not valid base64"),
        (_png_with_text(b"chara", base64.b64encode(b"{broken json")), "not valid JSON"),
        ("{broken", "not valid JSON"),
        ('{"spec": "chara_card_v1", "data": {"name": "x"}}', "unsupported card spec"),
        ('{"spec": "chara_card_v2", "data": {"name": ""}}', "data.name"),
        ('{"spec": "chara_card_v2"}', "no 'data'"),
        ("[1, 2]", "JSON object"),
    ],
    ids=[
        "not-png",
        "not-utf8",
        "truncated",
        "no-chunk",
        "bad-base64",
        "bad-json-in-png",
        "bad-json",
        "v1",
        "empty-name",
        "no-data",
        "not-object",
    ],
)
def test_bad_cards_raise_card_error(source: bytes | str, message: str) -> None:
    with pytest.raises(CardError, match=message):
        read_card(source)


def test_a_corrupt_chunk_is_caught_by_its_crc() -> None:
    png = bytearray(card_to_png(V2))
    png[png.index(b"IHDR") + 5] ^= 0xFF
    with pytest.raises(CardError, match="bad CRC"):
        card_from_png(bytes(png))


def test_a_card_that_does_not_fit_a_persona_says_which_field() -> None:
    card = copy.deepcopy(V2)
    card["data"]["name"] = "n" * 300
    with pytest.raises(CardError, match="display_name"):
        card_to_persona(card)
