"""The monthly token budget and GET /api/usage on a real server; ``personae usage``.

The model is scripted but *recorded* (``RecordedLLM`` over the store's call log), so each
call leaves the ``llm_usage`` row the budget and the report read, as in production.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import httpx2
import openai
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from typer.testing import CliRunner

from personae.cli._app import app as cli
from personae.cli._store import LOCAL_USER_EMAIL
from personae.config import Settings, get_settings
from personae.llm import LLM, GenerationRequest, RecordedLLM
from personae.store import Database, StoreCallLog, UserCreate, crud, session_scope
from personae.usage import UsageService, month_start, parse_prices
from tests.api.helpers import User
from tests.doubles import Reply, ScriptedLLM
from tests.serving import run_server
from tests.v1.conftest import build_app, make_key, make_persona, persona_responder

PROMPT_TOKENS = 120  # each call spends this much, so one call spends a 100-token budget


def _responder(request: GenerationRequest) -> Reply:
    return Reply(persona_responder(request), prompt_tokens=PROMPT_TOKENS)


@pytest.fixture
def budget_server(settings: Settings, db: Database) -> Iterator[str]:
    scripted = ScriptedLLM(responder=_responder)
    log = StoreCallLog(db)

    def recorded(owner_id: int, purpose: str, spec: str | None) -> LLM:
        return RecordedLLM(scripted, log=log, owner_id=owner_id, purpose=purpose)

    app = build_app(
        settings.model_copy(
            update={"token_budget_monthly": 100, "llm_prices": "scripted=1000/2000"}
        ),
        db,
        scripted,
        models=recorded,
    )
    yield from run_server(app)


def test_a_spent_budget_stops_the_second_call(budget_server: str, alice: User) -> None:
    key = make_key(budget_server, alice)
    make_persona(budget_server, alice, "ada")
    client = openai.OpenAI(base_url=f"{budget_server}/v1", api_key=key, max_retries=0)
    first = client.chat.completions.create(
        model="ada", messages=[{"role": "user", "content": "Hello."}]
    )
    assert first.choices[0].message.content
    with pytest.raises(openai.RateLimitError) as refused:
        client.chat.completions.create(
            model="ada", messages=[{"role": "user", "content": "Again."}]
        )
    message = str(refused.value)
    assert "this month's model budget is spent" in message
    assert "of 100 tokens used" in message
    assert refused.value.code == "insufficient_quota"
    assert int(refused.value.response.headers["retry-after"]) > 0
    with pytest.raises(openai.RateLimitError):  # a stream is refused before it starts
        client.chat.completions.create(
            model="ada", messages=[{"role": "user", "content": "Stream?"}], stream=True
        )
    native = httpx2.post(
        f"{budget_server}/api/chat",
        json={"message": "Hi", "personaId": 1},
        headers=alice.headers,
        timeout=30,
    )
    assert native.status_code == 429
    assert native.json()["error"]["code"] == "token_budget_exceeded"


def test_the_mcp_chat_tool_is_refused_too(budget_server: str, alice: User) -> None:
    key = make_key(budget_server, alice)
    make_persona(budget_server, alice, "ada")

    async def two_turns() -> list[Any]:
        async with (
            httpx.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60) as client,
            streamable_http_client(f"{budget_server}/mcp", http_client=client) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return [
                await session.call_tool("chat", {"persona": "ada", "message": text})
                for text in ("One.", "Two.")
            ]

    first, second = asyncio.run(two_turns())
    assert not first.isError
    assert second.isError
    assert "token_budget_exceeded" in second.content[0].text  # type: ignore[union-attr]


def test_usage_report(budget_server: str, alice: User, bob: User) -> None:
    key = make_key(budget_server, alice)
    make_persona(budget_server, alice, "ada")
    client = openai.OpenAI(base_url=f"{budget_server}/v1", api_key=key, max_retries=0)
    completion = client.chat.completions.create(
        model="ada", messages=[{"role": "user", "content": "Hello."}]
    )
    report = httpx2.get(f"{budget_server}/api/usage", headers=alice.headers, timeout=30).json()
    data = report["data"]
    today = datetime.now(UTC).date().isoformat()
    assert [(line["day"], line["provider"], line["model"]) for line in data["lines"]] == [
        (today, "scripted", "scripted-1")
    ]
    line = data["lines"][0]
    assert line["calls"] >= 1
    assert line["prompt_tokens"] >= PROMPT_TOKENS
    assert completion.usage is not None
    assert line["completion_tokens"] >= completion.usage.completion_tokens
    expected = (line["prompt_tokens"] * 1000 + line["completion_tokens"] * 2000) / 1_000_000
    assert line["estimated_cost_usd"] == pytest.approx(expected)
    assert data["budget"]["budget"] == 100
    assert data["budget"]["spent"] == line["prompt_tokens"] + line["completion_tokens"]
    assert data["budget"]["remaining"] == 0
    bobs = httpx2.get(f"{budget_server}/api/usage", headers=bob.headers, timeout=30).json()
    assert bobs["data"]["lines"] == []  # only the caller's own calls
    bad = httpx2.get(f"{budget_server}/api/usage?days=0", headers=alice.headers, timeout=30)
    assert bad.status_code == 422


def test_the_budget_renews_with_the_month(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    with session_scope(db) as session:
        crud.record_llm_usage(
            session=session,
            owner_id=alice,
            provider="openai",
            model="gpt-4o-mini",
            prompt_tokens=80,
            completion_tokens=40,
            latency_ms=5,
        )
    now = datetime.now(UTC)
    this_month = UsageService(db, budget=100, clock=lambda: now)
    assert this_month.status(owner_id=alice).spent == 120
    next_month = month_start(now).replace(
        year=now.year + (now.month == 12), month=now.month % 12 + 1
    )
    later = UsageService(db, budget=100, clock=lambda: next_month)
    later.check(owner_id=alice)  # a new month: allowed again
    assert later.status(owner_id=alice).spent == 0
    unbudgeted = UsageService(db, prices=parse_prices("openai=1/1"))
    unbudgeted.check(owner_id=alice)  # no budget: never refused


def test_the_cli_report(
    db: Database, database_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PERSONAE_DATABASE_URL", database_url)
    monkeypatch.setenv("PERSONAE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PERSONAE_LLM_PRICES", "openai:gpt-4o-mini=0.15/0.60")
    get_settings.cache_clear()
    with session_scope(db) as session:
        local = crud.create_user(
            session=session, data=UserCreate(email=LOCAL_USER_EMAIL, password_hash="!")
        )
        crud.record_llm_usage(
            session=session,
            owner_id=local.id,
            provider="openai",
            model="gpt-4o-mini",
            prompt_tokens=1_000_000,
            completion_tokens=500_000,
            latency_ms=5,
        )
    runner = CliRunner(env={"COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"})
    try:
        shown = runner.invoke(cli, ["usage"])
        as_json = runner.invoke(cli, ["usage", "--json", "--days", "7"])
        missing = runner.invoke(cli, ["usage", "--user", "nobody@example.org"])
    finally:
        get_settings.cache_clear()
    assert shown.exit_code == 0, shown.output
    assert "gpt-4o-mini" in shown.output
    assert "$0.4500" in shown.output  # 1M in at $0.15 + 0.5M out at $0.60
    report = json.loads(as_json.output)
    assert report["estimated_cost_usd"] == pytest.approx(0.45)
    assert missing.exit_code != 0
    assert "nobody@example.org" in missing.output
