"""``personae mcp`` over stdio, driven by the official ``mcp`` client as a desktop
assistant would start it (a subprocess, the protocol on its stdin and stdout)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from personae.cli._store import LOCAL_USER_EMAIL
from personae.samples import sample_writers
from personae.store import Database, PersonaCreate, UserCreate, crud, session_scope
from personae.style import StyleProfile


def _local_persona(db: Database) -> str:
    """The CLI user's persona with the founder's measured voice."""
    founder = next(w for w in sample_writers() if w.key == "founder")
    profile = StyleProfile.from_texts(list(founder.training), name="ada")
    with session_scope(db) as session:
        user = crud.create_user(
            session=session, data=UserCreate(email=LOCAL_USER_EMAIL, password_hash="!")
        )
        crud.create_persona(
            session=session,
            owner_id=user.id,
            data=PersonaCreate(
                name="ada",
                display_name="Ada",
                linguistic_fingerprint=json.loads(profile.to_json()),
            ),
        )
    return founder.held_out


def test_stdio_lists_tools_and_scores_a_text(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    held_out = _local_persona(db)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PERSONAE_DATABASE_URL": database_url,
        "PERSONAE_DATA_DIR": str(tmp_path / "data"),
    }
    personae = Path(sys.executable).parent / "personae"
    params = StdioServerParameters(command=str(personae), args=["mcp"], env=env, cwd=tmp_path)

    async def run() -> tuple[list[str], Any, list[str]]:
        async with (
            stdio_client(params) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            tools = sorted(tool.name for tool in (await session.list_tools()).tools)
            result = await session.call_tool("match_text", {"persona": "ada", "text": held_out})
            resources = [str(r.uri) for r in (await session.list_resources()).resources]
            assert not result.isError, result.content
            return tools, result.structuredContent, resources

    tools, match, resources = asyncio.run(run())
    assert "match_text" in tools
    assert "write_content" in tools
    assert match is not None
    assert 0.0 <= match["score"] <= 1.0
    assert resources == ["persona://ada/definition", "persona://ada/system-prompt"]
