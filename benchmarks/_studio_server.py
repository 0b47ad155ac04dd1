"""The studio served for web_bench.py: a real uvicorn on loopback, a temporary SQLite store,
no model and no embedding model (the loop benchmark's deterministic doubles), and Debian's
Chromium settings. Nothing here imports the tests: a benchmark must run from a checkout
whose tests directory is absent or changing.
"""

from __future__ import annotations

import json
import multiprocessing
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from _loop_doubles import FixedWriter, HashEmbedder, free_port
from personae.api import create_app
from personae.chat import MemoryStore
from personae.config import Settings
from personae.llm import LLM
from personae.store import Database
from personae.vectors import NumpyIndex

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "DESKTOP", "ENGAGEMENT_CSV", "Studio", "serve"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}

ENGAGEMENT_CSV = (
    "external_id,content_id,platform,occurred_at,published_at,likes,comments,shares,impressions,"
    "audience_member_id\n"
    "e1,post-1,linkedin,2026-11-02T09:30:00Z,2026-11-02T08:00:00Z,40,6,3,900,m1\n"
    "e2,post-1,linkedin,2026-11-02T12:10:00Z,2026-11-02T08:00:00Z,12,1,0,300,m2\n"
    "e3,post-2,linkedin,2026-11-05T17:45:00Z,2026-11-05T17:00:00Z,55,9,7,1200,m1\n"
)
"""Engagement of a creator's posts, in the strategy's own CSV (for the strategy page)."""


@dataclass
class Studio:
    """A running server: its URL and a way to call its API (for setup)."""

    url: str
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["data"]

    def register(self, email: str) -> dict[str, Any]:
        """A new account's token pair."""
        body = {"email": email, "password": "correct horse battery staple"}
        pair: dict[str, Any] = self.call("POST", "/api/auth/register", body)["tokens"]
        self.tokens[email] = pair
        return pair


def _run(database_url: str, tmp: Path, port: int) -> None:
    """The server process: the studio app with the doubles, under uvicorn (as ``personae
    serve`` runs it: a process of its own, not a thread beside the browser's driver)."""
    database = Database(database_url)
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        data_dir=tmp,
        environment="test",
        secret_key="web-bench-secret-key-that-is-long-enough-0123456789",
        redis_url=None,
        rate_limit_per_minute=100_000,
        auth_rate_limit_per_minute=100_000,
    )
    writer = FixedWriter()

    def llm_for(owner_id: int, purpose: str, spec: str | None) -> LLM:
        return writer

    app = create_app(settings, llm_for=llm_for)
    embedder = HashEmbedder()
    app.state.strategy_embedder = embedder  # read before building the configured one
    app.state.chat_memory = MemoryStore(
        database,
        embedder=embedder,
        index=NumpyIndex(embedder_name=embedder.name, dimension=embedder.dimension),
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def serve(tmp: Path) -> Iterator[str]:
    """Run the studio app with uvicorn on a free loopback port, in a process of its own;
    yields its base URL."""
    database_url = f"sqlite:///{tmp / 'personae.db'}"
    database = Database(database_url)
    database.upgrade()
    database.dispose()
    port = free_port()
    process = multiprocessing.get_context("fork").Process(
        target=_run, args=(database_url, tmp, port), name="web-bench-server", daemon=True
    )
    process.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/signin", timeout=5).read()
            break
        except OSError:
            if time.monotonic() > deadline or not process.is_alive():
                process.terminate()
                raise RuntimeError("the studio server did not start") from None
            time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        process.join(timeout=30)
