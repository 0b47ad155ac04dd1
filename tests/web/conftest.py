"""The studio in a real browser: Debian's Chromium driven by Playwright against a real
uvicorn server on loopback, a temporary SQLite store and the scripted test models.

One server and one browser serve the whole module's tests (each test signs up its own
account, so tests share nothing but the process); every test gets a fresh browser context
whose console is watched: a script error or a ``console.error`` fails the test.
``Failed to load resource`` lines are the browser's own notes about HTTP errors the page
handled (a 404 "no recommendation yet", a bad input's 422 shown in words) and are not
counted.

Skipped, with the reason, when ``/usr/bin/chromium`` is missing (``apt-get install -y
chromium``); Playwright's own browser download is never used.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from personae.api import create_app
from personae.api.routes.chat import get_memory_store
from personae.api.routes.strategy import get_embedder
from personae.chat import MemoryStore
from personae.llm import LLM
from personae.store import Database
from personae.vectors import NumpyIndex
from tests.api.helpers import make_settings
from tests.api.routes.test_chat import chat_responder
from tests.doubles import HashEmbedder, ScriptedLLM, persona_writer
from tests.serving import run_server

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
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
"""Where ``PERSONAE_WRITE_SCREENSHOTS=1`` makes the tests write their screenshots."""
PHONE = {"width": 390, "height": 844}

SKIP_REASON = (
    "the studio's browser tests need Debian's Chromium at /usr/bin/chromium "
    "(apt-get install -y chromium)"
)


def studio_model() -> tuple[LLM, LLM]:
    """``(writer, chat)``: a persona writer (generation, drafts) and the chat tests' model."""
    return persona_writer(), ScriptedLLM(responder=chat_responder)


@dataclass
class Studio:
    """A running server: its URL and a way to call its API directly (for setup)."""

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

    def register(
        self, email: str, password: str = "correct horse battery staple"
    ) -> dict[str, Any]:
        """A new account's token pair (``access_token``, ``refresh_token``, ``expires_in``)."""
        data = self.call("POST", "/api/auth/register", {"email": email, "password": password})
        pair: dict[str, Any] = data["tokens"]
        self.tokens[email] = pair
        return pair


def serve(tmp: Path) -> Iterator[str]:
    """Run the studio app with uvicorn on a free loopback port; yields its base URL."""
    database_url = f"sqlite:///{tmp / 'personae.db'}"
    database = Database(database_url)
    database.upgrade()
    settings = make_settings(database_url, tmp, chat_summarize_every=2)
    writer, chat = studio_model()

    def llm_for(owner_id: int, purpose: str, spec: str | None) -> LLM:
        return chat if purpose.startswith("chat") else writer

    app = create_app(settings, llm_for=llm_for)
    embedder = HashEmbedder()
    store = MemoryStore(
        database,
        embedder=embedder,
        index=NumpyIndex(embedder_name=embedder.name, dimension=embedder.dimension),
    )
    app.dependency_overrides[get_memory_store] = lambda: store
    app.dependency_overrides[get_embedder] = lambda: embedder
    try:
        yield from run_server(app, ws="websockets-sansio", timeout=30)
    finally:
        database.dispose()


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    for url in serve(tmp_path_factory.mktemp("studio")):
        yield Studio(url)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Console:
    """What the page said on its console, and the script errors it raised."""

    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    """Loads the server refused ("Failed to load resource"): expected where a test sends bad
    input, never on a page's first view."""

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("console", self._message)

    def _message(self, message: Any) -> None:
        if message.type != "error":
            return
        if "Failed to load resource" in message.text:
            self.failed.append(message.text)
        else:
            self.errors.append(message.text)


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Any, console: Console) -> Iterator[Any]:
    """A fresh desktop-sized page; fails the test on a console error."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(20_000)
    tab = context.new_page()
    console.watch(tab)
    try:
        yield tab
    finally:
        context.close()
    assert console.errors == [], console.errors


def sign_in_as(page: Any, studio: Studio, email: str) -> None:
    """Put an account's tokens in the tab, as the sign-in page does after a login."""
    pair = studio.tokens[email]
    page.goto(studio.url + "/signin")
    page.evaluate(
        """pair => sessionStorage.setItem("personae.tokens", JSON.stringify({
            access: pair.access_token, refresh: pair.refresh_token,
            expiresAt: Date.now() + pair.expires_in * 1000}))""",
        pair,
    )


def screenshot(page: Any, name: str, folder: Path | None = None) -> None:
    """Save what the page (or one element of it, a locator) shows as ``<name>.png``: into
    docs/screenshots/ with ``PERSONAE_WRITE_SCREENSHOTS=1``, else into ``folder`` (or
    nowhere)."""
    target = SCREENSHOTS if os.environ.get("PERSONAE_WRITE_SCREENSHOTS") == "1" else folder
    if target is None:
        return
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / f"{name}.png"))


def alert_text(page: Any) -> str:
    """The page's error box, once shown; never raw JSON."""
    alert = page.get_by_role("alert")
    alert.wait_for()
    text = str(alert.inner_text())
    assert "{" not in text, f"raw JSON shown: {text}"
    return text


def check_page(page: Any, name: str, folder: Path) -> None:
    """The loaded page: no error shown, axe-core finds no serious or critical violation, no
    sideways scroll at a phone's width; screenshots at desktop and phone width."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("networkidle")
    assert page.get_by_role("alert").is_hidden(), page.get_by_role("alert").inner_text()
    # The reads boot.js started early were all taken by the page (spelled as it asks).
    unused = page.evaluate("() => [...(window.personaeEarly || new Map()).keys()]")
    assert unused == [], f"{name} asked early for what it never used: {unused}"
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == []
    screenshot(page, f"{name}-desktop", folder)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(200)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} scrolls sideways at phone width ({width}px)"
    screenshot(page, f"{name}-phone", folder)
    page.set_viewport_size(DESKTOP)
