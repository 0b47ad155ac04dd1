"""Parsers bounded by what they produce (issue 13, findings 2 and 7).

A 437-byte YAML alias bomb expanded to a 33.6 MB persona; deep nesting in card imports
(JSON, and in a PNG chunk) and in sync (JSON, YAML) raised ``RecursionError`` (500). Each
is now refused before the work, with a 4xx.
"""

from __future__ import annotations

import base64
import struct
import time
import tracemalloc
import zlib

import pytest
from fastapi.testclient import TestClient

from personae._bounded import DocumentTooComplexError, load_json, load_yaml
from tests.api.helpers import User, error_of

BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
personas: [{name: bomb, role: *g}]
"""

DEEP_JSON = "[" * 50_000 + "]" * 50_000
DEEP_YAML = "a: " + "[" * 50_000 + "]" * 50_000
DEEP_CARD = (
    '{"spec": "chara_card_v2", "spec_version": "2.0", "data": {"name": "x", "extensions": '
    + '{"a": ' * 20_000
    + "1"
    + "}" * 20_000
    + "}}"
)


def _png_with(text_chunk: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixel = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"chara\x00" + base64.b64encode(text_chunk))
        + chunk(b"IDAT", pixel)
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_a_yaml_alias_bomb_is_refused_quickly_and_small(
    client: TestClient, alice: User, dry_run: str
) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    response = client.post(
        f"/api/personas/sync?dry_run={dry_run}",
        content=BOMB,
        headers=alice.headers | {"Content-Type": "application/yaml"},
    )
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 422, response.text
    assert "alias" in error_of(response)["message"]
    assert elapsed < 2.0
    assert peak < 20 * 1024 * 1024
    listed = client.get("/api/personas", headers=alice.headers).json()["data"]
    assert listed["total"] == 0


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/json", DEEP_JSON), ("application/yaml", DEEP_YAML)],
    ids=["json", "yaml"],
)
def test_deep_nesting_in_sync_is_a_4xx(
    client: TestClient, alice: User, content_type: str, body: str
) -> None:
    response = client.post(
        "/api/personas/sync", content=body, headers=alice.headers | {"Content-Type": content_type}
    )
    assert response.status_code == 422, response.text[:300]
    assert "nests deeper" in error_of(response)["message"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/json", DEEP_CARD.encode()), ("image/png", _png_with(DEEP_CARD.encode()))],
    ids=["json", "png-chunk"],
)
def test_deep_nesting_in_card_import_is_a_4xx(
    client: TestClient, alice: User, content_type: str, body: bytes
) -> None:
    response = client.post(
        "/api/personas/import/card",
        content=body,
        headers=alice.headers | {"Content-Type": content_type},
    )
    assert response.status_code == 422, response.text[:300]
    assert "nests deeper" in error_of(response)["message"]


def test_the_bounded_parsers_keep_ordinary_documents() -> None:
    assert load_json('{"a": [1, {"b": "[[[[not nesting]]]] \\" {"}]}') == {
        "a": [1, {"b": '[[[[not nesting]]]] " {'}]
    }
    assert load_yaml("a: &x 1\nb: [1, 2]\n") == {"a": 1, "b": [1, 2]}
    with pytest.raises(DocumentTooComplexError):
        load_yaml("a: &x 1\nb: *x\n")
    with pytest.raises(DocumentTooComplexError):
        load_json("[" * 65 + "]" * 65)
    assert load_json("[" * 64 + "]" * 64) is not None
