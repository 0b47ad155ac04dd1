"""Character Card V2 and V3: import and export as JSON or PNG, losing nothing.

A card is ``{"spec": "chara_card_v2", "spec_version": "2.0", "data": {…}}`` (V3:
``"chara_card_v3"``, ``"3.0"``). Seven fields of ``data`` map onto persona columns:

=================  ======================================================
card ``data``      persona
=================  ======================================================
``name``           ``display_name`` (``name`` is an ASCII slug of it, or the
                   name the caller gives)
``description``    ``context``
``personality``    ``core_belief``
``scenario``       ``scenario``
``first_mes``      ``greeting``
``mes_example``    ``example_dialogue``
``system_prompt``  ``system_prompt``
``tags``           ``expertise``
=================  ======================================================

Everything else (``creator_notes``, ``post_history_instructions``,
``alternate_greetings``, ``character_book``, ``creator``, ``character_version``,
``extensions``, V3's ``nickname``, ``group_only_greetings``, ``assets``,
``creation_date`` …, unknown keys inside and outside ``data``, and which mapped keys the
card left out) is kept verbatim in the persona's ``card_extensions``. Exporting puts it
back, so V2 → persona → V2 and V3 → persona → V3 give the same JSON.

In a PNG the card is a ``tEXt`` chunk holding base64 of the JSON, keyed ``chara`` (V2)
or ``ccv3`` (V3). Chunks are read and written with the standard library (struct + zlib
for the CRC); a card exported without an image gets a minimal valid 1×1 PNG.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
import unicodedata
import zlib
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.orm import Session

from personae._bounded import DocumentTooComplexError, load_json
from personae.errors import CardError
from personae.store import crud
from personae.store._models import Persona
from personae.store._schemas import PersonaCreate, PersonaPublic

__all__ = [
    "CARD_FIELD_MAP",
    "card_from_png",
    "card_to_persona",
    "card_to_png",
    "export_card",
    "import_card",
    "persona_to_card",
    "read_card",
]

Spec = Literal["chara_card_v2", "chara_card_v3"]

_SPEC_VERSIONS: dict[str, str] = {"chara_card_v2": "2.0", "chara_card_v3": "3.0"}
_PNG_KEYS: dict[str, bytes] = {"chara_card_v2": b"chara", "chara_card_v3": b"ccv3"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

CARD_FIELD_MAP: dict[str, str] = {
    "description": "context",
    "personality": "core_belief",
    "scenario": "scenario",
    "first_mes": "greeting",
    "mes_example": "example_dialogue",
    "system_prompt": "system_prompt",
    "tags": "expertise",
}
"""Card ``data`` key → persona field, besides ``name`` → ``display_name``."""

# The order the V2 spec lists its fields in, used when writing a card back.
_V2_ORDER = (
    "name",
    "description",
    "personality",
    "scenario",
    "first_mes",
    "mes_example",
    "creator_notes",
    "system_prompt",
    "post_history_instructions",
    "alternate_greetings",
    "character_book",
    "tags",
    "creator",
    "character_version",
    "extensions",
)


# -- reading --------------------------------------------------------------------------


def read_card(source: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """A card from PNG bytes, JSON text or bytes, or an already parsed object.

    Raises
    ------
    CardError
        Not a PNG or JSON card, a PNG without a card chunk, bad base64 or JSON, or a
        card that is not V2/V3 (the message says which).
    """
    if isinstance(source, bytes) and source.startswith(_PNG_SIGNATURE):
        return card_from_png(source)
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CardError("not a character card: neither a PNG nor UTF-8 JSON") from exc
        if not text.lstrip().startswith(("{", "[")):
            raise CardError("not a character card: neither a PNG nor UTF-8 JSON")
        source = text
    if isinstance(source, str):
        source = _parse_json(source, what="card")
    return _check_card(source)


def _parse_json(text: str, *, what: str) -> Any:
    try:
        return load_json(text)
    except DocumentTooComplexError as exc:
        raise CardError(f"{what} is too complex: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise CardError(
            f"{what} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc


def _check_card(card: Any) -> dict[str, Any]:
    if not isinstance(card, dict):
        raise CardError("a character card is a JSON object")
    spec = card.get("spec")
    if spec not in _SPEC_VERSIONS:
        raise CardError(
            f"unsupported card spec {spec!r}: expected 'chara_card_v2' or 'chara_card_v3'"
        )
    data = card.get("data")
    if not isinstance(data, dict):
        raise CardError("the card has no 'data' object")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise CardError("the card's data.name must be a non-empty string")
    return card


def _chunks(png: bytes) -> Iterator[tuple[bytes, bytes]]:
    """``(type, body)`` of each chunk, checking lengths and CRCs."""
    if not png.startswith(_PNG_SIGNATURE):
        raise CardError("not a PNG file (wrong signature)")
    at = len(_PNG_SIGNATURE)
    while at < len(png):
        if at + 8 > len(png):
            raise CardError("truncated PNG (incomplete chunk header)")
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        end = at + 8 + length
        if end + 4 > len(png):
            raise CardError(f"truncated PNG (chunk {kind.decode('latin-1')!r} runs past the end)")
        body = png[at + 8 : end]
        (crc,) = struct.unpack(">I", png[end : end + 4])
        if zlib.crc32(kind + body) != crc:
            raise CardError(f"corrupt PNG (bad CRC in chunk {kind.decode('latin-1')!r})")
        yield kind, body
        at = end + 4
        if kind == b"IEND":
            return
    raise CardError("truncated PNG (no IEND chunk)")


def card_from_png(png: bytes) -> dict[str, Any]:
    """The card in a PNG's ``ccv3`` (preferred) or ``chara`` tEXt chunk.

    Raises
    ------
    CardError
        Not a PNG, corrupt, no card chunk, or a chunk that is not base64 of JSON.
    """
    found: dict[bytes, bytes] = {}
    for kind, body in _chunks(png):
        if kind == b"tEXt":
            key, _, value = body.partition(b"\x00")
            if key in (b"chara", b"ccv3"):
                found[key] = value
    raw = found.get(b"ccv3", found.get(b"chara"))
    if raw is None:
        raise CardError("the PNG holds no character card (no 'chara' or 'ccv3' tEXt chunk)")
    try:
        decoded = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CardError("the PNG's card chunk is not valid base64") from exc
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CardError("the PNG's card chunk does not decode to UTF-8 text") from exc
    return _check_card(_parse_json(text, what="the PNG's card chunk"))


# -- card ↔ persona -------------------------------------------------------------------


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9 _.-]+", "", ascii_name).strip()[:100].strip()
    return slug or "character"


def _fits(key: str, value: Any) -> bool:
    """Whether a mapped card value can live in its persona column as it is."""
    if key == "tags":
        return isinstance(value, list) and all(
            isinstance(tag, str) and 0 < len(tag) <= 200 for tag in value
        )
    return isinstance(value, str)


def card_to_persona(card: dict[str, Any], *, name: str | None = None) -> PersonaCreate:
    """The persona fields for a card (see the module docstring for the mapping).

    Raises
    ------
    CardError
        The card is not V2/V3, or a field breaks the persona's limits (too long …).
    """
    card = _check_card(card)
    data: dict[str, Any] = card["data"]
    fields: dict[str, Any] = {
        "name": name if name is not None else _slug(data["name"]),
        "display_name": data["name"],
        "persona_type": "character",
    }
    kept: dict[str, Any] = {}
    absent: list[str] = []
    for key in CARD_FIELD_MAP:
        if key not in data:
            absent.append(key)
        elif _fits(key, data[key]):
            fields[CARD_FIELD_MAP[key]] = data[key]
    for key, value in data.items():
        if key != "name" and not (key in CARD_FIELD_MAP and _fits(key, value)):
            kept[key] = value
    fields["card_extensions"] = {
        "spec": card["spec"],
        "top": {key: value for key, value in card.items() if key not in ("spec", "data")},
        "data": kept,
        "absent": absent,
    }
    try:
        return PersonaCreate.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise CardError(f"the card does not fit a persona: {where}: {error['msg']}") from exc


def persona_to_card(
    persona: Persona | PersonaPublic, *, spec: Spec | None = None
) -> dict[str, Any]:
    """The card for a persona: imported cards come back as they came in.

    Parameters
    ----------
    spec
        Card version to write; ``None`` keeps the imported card's, or V2 for a persona
        that was never a card.
    """
    ext: dict[str, Any] = persona.card_extensions or {}
    kept: dict[str, Any] = dict(ext.get("data", {}))
    absent = set(ext.get("absent", ()))
    chosen: str = spec or ext.get("spec") or "chara_card_v2"
    values: dict[str, Any] = {"name": persona.display_name}
    for key, field in CARD_FIELD_MAP.items():
        value = getattr(persona, field)
        if value:  # set on the persona: it wins over whatever the card held
            kept.pop(key, None)
            values[key] = list(value) if key == "tags" else value
        elif key not in kept and key not in absent:
            values[key] = [] if key == "tags" else ""
    if not ext:  # a persona that was never a card: fill the V2 fields a reader expects
        values |= {
            "creator_notes": "",
            "post_history_instructions": "",
            "alternate_greetings": [],
            "creator": "",
            "character_version": str(persona.version),
            "extensions": {},
        }
    merged = values | kept
    data = {key: merged[key] for key in _V2_ORDER if key in merged}
    data |= {key: value for key, value in merged.items() if key not in data}
    card: dict[str, Any] = {"spec": chosen}
    if chosen == ext.get("spec"):
        card |= ext.get("top", {})  # spec_version and unknown top-level keys, as they came
    else:
        card["spec_version"] = _SPEC_VERSIONS[chosen]
    card["data"] = data
    return card


def card_to_png(card: dict[str, Any], *, image: bytes | None = None) -> bytes:
    """A PNG carrying the card: ``image`` (any PNG) or a blank 1×1 one.

    Card chunks already in ``image`` are replaced, so re-exporting never stacks them.

    Raises
    ------
    CardError
        ``image`` is not a valid PNG.
    """
    card = _check_card(card)
    key = _PNG_KEYS[card["spec"]]
    payload = base64.b64encode(json.dumps(card, ensure_ascii=False).encode("utf-8"))
    out = bytearray(_PNG_SIGNATURE)
    for kind, body in _chunks(image if image is not None else _blank_png()):
        if kind == b"tEXt" and body.partition(b"\x00")[0] in (b"chara", b"ccv3"):
            continue
        if kind == b"IEND":
            out += _chunk(b"tEXt", key + b"\x00" + payload)
        out += _chunk(kind, body)
    return bytes(out)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _blank_png() -> bytes:
    """A valid 1×1 transparent RGBA PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00\x00\x00\x00")  # filter byte + one RGBA pixel
    return _PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


# -- store ----------------------------------------------------------------------------


def import_card(
    *,
    session: Session,
    owner_id: int,
    source: bytes | str | dict[str, Any],
    name: str | None = None,
    actor_id: int | None = None,
) -> Persona:
    """Create a persona from a card (PNG bytes, JSON text or object) through ``crud``.

    Raises
    ------
    CardError
        The card cannot be read or does not fit a persona.
    DuplicateNameError
        The owner already has a persona of that name (pass ``name=`` to choose another).
    """
    persona = card_to_persona(read_card(source), name=name)
    return crud.create_persona(
        session=session,
        owner_id=owner_id,
        data=persona,
        actor_id=actor_id,
        message="imported from a character card",
    )


def export_card(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    spec: Spec | None = None,
    png: bool = False,
    image: bytes | None = None,
) -> dict[str, Any] | bytes:
    """The owner's persona as a card: a JSON object, or PNG bytes with ``png=True``.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    persona = crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    card = persona_to_card(persona, spec=spec)
    return card_to_png(card, image=image) if png else card
