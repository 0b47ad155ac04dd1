"""The MCP server at ``/mcp`` through the official ``mcp`` client (streamable HTTP)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, TextContent

from personae.samples import sample_writers
from tests.api.helpers import User
from tests.v1.conftest import Served, make_key, make_persona

T = TypeVar("T")

TOOLS = {
    "analyze_text",
    "attribute_text",
    "chat",
    "get_persona",
    "list_personas",
    "match_text",
    "verify_text",
    "write_content",
}


def _session(url: str, key: str, body: Callable[[ClientSession], Awaitable[T]]) -> T:
    async def run() -> T:
        headers = {"Authorization": f"Bearer {key}"}
        async with (
            httpx.AsyncClient(headers=headers, timeout=60) as client,
            streamable_http_client(f"{url}/mcp", http_client=client) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await body(session)

    return asyncio.run(run())


def _data(result: CallToolResult) -> Any:
    assert not result.isError, result.content
    if result.structuredContent is not None:
        content = result.structuredContent
        return content.get("result", content) if set(content) == {"result"} else content
    first = result.content[0]
    assert isinstance(first, TextContent)
    return json.loads(first.text)


def test_tools_and_a_match_score(served: Served, api_key: str, ada: dict[str, Any]) -> None:
    founder = next(w for w in sample_writers() if w.key == "founder")

    async def body(session: ClientSession) -> tuple[set[str], Any, Any]:
        tools = {tool.name for tool in (await session.list_tools()).tools}
        personas = _data(await session.call_tool("list_personas", {}))
        match = _data(
            await session.call_tool("match_text", {"persona": "ada", "text": founder.held_out})
        )
        return tools, personas, match

    tools, personas, match = _session(served.url, api_key, body)
    assert tools == TOOLS
    assert [p["name"] for p in personas] == ["ada"]
    assert personas[0]["has_voice"] is True
    assert 0.0 <= match["score"] <= 1.0
    assert match["suggestions"] is not None
    assert match["deviations"]


def test_one_voice_is_verified_not_attributed(
    served: Served, api_key: str, ada: dict[str, Any], alice: User
) -> None:
    writers = {w.key: w for w in sample_writers()}

    async def one(session: ClientSession) -> tuple[CallToolResult, Any, Any]:
        alone = await session.call_tool("attribute_text", {"text": writers["cook"].held_out})
        own = _data(
            await session.call_tool(
                "verify_text", {"persona": "ada", "text": writers["founder"].held_out}
            )
        )
        other = _data(
            await session.call_tool(
                "verify_text", {"persona": "ada", "text": writers["cook"].held_out}
            )
        )
        return alone, own, other

    alone, own, other = _session(served.url, api_key, one)
    assert alone.isError
    assert "verify_text" in alone.content[0].text  # type: ignore[union-attr]
    assert own["profile"] == "Ada"
    assert own["probability"] > 0.5 > other["probability"]

    make_persona(
        served.url,
        alice,
        "rosie",
        display_name="Rosie",
        writing_samples=list(writers["cook"].training),
    )

    async def two(session: ClientSession) -> tuple[Any, Any]:
        ranking = _data(
            await session.call_tool("attribute_text", {"text": writers["cook"].held_out})
        )
        verified = _data(
            await session.call_tool(
                "verify_text", {"persona": "ada", "text": writers["cook"].held_out}
            )
        )
        return ranking, verified

    ranking, verified = _session(served.url, api_key, two)
    assert [r["persona"] for r in ranking] == ["Rosie", "Ada"]
    assert verified["nearest_impostors"][0] == "Rosie"
    assert verified["probability"] < other["probability"]


def test_resources_chat_and_errors(served: Served, api_key: str, ada: dict[str, Any]) -> None:
    async def body(session: ClientSession) -> dict[str, Any]:
        listed = [str(r.uri) for r in (await session.list_resources()).resources]
        prompt = await session.read_resource("persona://ada/system-prompt")  # type: ignore[arg-type]
        definition = await session.read_resource("persona://ada/definition")  # type: ignore[arg-type]
        first = _data(await session.call_tool("chat", {"persona": "ada", "message": "Hello."}))
        again = _data(
            await session.call_tool(
                "chat",
                {"persona": "ada", "message": "Again.", "session_id": first["session_id"]},
            )
        )
        missing = await session.call_tool("match_text", {"persona": "nobody", "text": "x"})
        return {
            "listed": listed,
            "prompt": prompt.contents[0].text,  # type: ignore[union-attr]
            "definition": json.loads(definition.contents[0].text),  # type: ignore[union-attr]
            "first": first,
            "again": again,
            "missing": missing,
        }

    seen = _session(served.url, api_key, body)
    assert seen["listed"] == ["persona://ada/definition", "persona://ada/system-prompt"]
    assert seen["prompt"].startswith("You are Ada.")
    assert "Speak plainly." in seen["prompt"]
    assert seen["definition"]["name"] == "ada"
    assert seen["first"]["reply"].startswith("I am Ada. You said: Hello.")
    assert seen["again"]["session_id"] == seen["first"]["session_id"]
    assert seen["missing"].isError
    assert "persona_not_found" in seen["missing"].content[0].text


def test_only_the_callers_personas(
    served: Served, api_key: str, ada: dict[str, Any], bob: User
) -> None:
    make_persona(served.url, bob, "bobs-own")
    bobs_key = make_key(served.url, bob)

    async def body(session: ClientSession) -> tuple[Any, CallToolResult, list[str]]:
        personas = _data(await session.call_tool("list_personas", {}))
        theirs = await session.call_tool("get_persona", {"persona": "ada"})
        listed = [str(r.uri) for r in (await session.list_resources()).resources]
        return personas, theirs, listed

    personas, theirs, listed = _session(served.url, bobs_key, body)
    assert [p["name"] for p in personas] == ["bobs-own"]
    assert theirs.isError
    assert all("ada" not in uri for uri in listed)


@pytest.mark.parametrize("authorization", [None, "Bearer pk_nothing_here", "Basic abc"])
def test_mcp_needs_a_valid_key(served: Served, authorization: str | None) -> None:
    headers = {"Accept": "application/json, text/event-stream"}
    if authorization:
        headers["Authorization"] = authorization
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    response = httpx2.post(f"{served.url}/mcp", json=body, headers=headers, timeout=30)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_write_content_keeps_a_draft_piece(
    served: Served, api_key: str, ada: dict[str, Any], alice: User
) -> None:
    async def body(session: ClientSession) -> tuple[Any, Any]:
        kept = _data(
            await session.call_tool(
                "write_content",
                {"persona": "ada", "platform": "linkedin", "brief": "We shipped the importer."},
            )
        )
        not_kept = _data(
            await session.call_tool(
                "write_content",
                {"persona": "ada", "platform": "linkedin", "brief": "A note.", "save": False},
            )
        )
        return kept, not_kept

    kept, not_kept = _session(served.url, api_key, body)
    assert not_kept["piece_id"] is None
    piece = httpx2.get(
        f"{served.url}/api/content/{kept['piece_id']}", headers=alice.headers, timeout=30
    ).json()["data"]
    assert piece["status"] == "draft"
    assert piece["text"] == kept["text"]
    assert piece["brief"] == "We shipped the importer."
    assert piece["persona_id"] == ada["id"]
    listed = httpx2.get(f"{served.url}/api/content", headers=alice.headers, timeout=30).json()
    assert listed["data"]["total"] == 1  # the unsaved one was not kept
