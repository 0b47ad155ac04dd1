"""The studio's HTML routes: one server-rendered shell per page.

The shells carry no user data (the API's credentials are bearer tokens the page keeps,
see ``static/js/api.js``); each loads ``static/js/<page>.js``, which fetches what the
page shows from the JSON API. Every page answers with a Content-Security-Policy that
allows scripts, styles, images and connections from this origin only: the studio works
offline and an injected script from elsewhere does not run.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from personae import __version__
from personae.store import MAX_INT

__all__ = [
    "BOOT",
    "BOOT_HASH",
    "CSP",
    "NAVIGATION",
    "PAGES",
    "PERSONA_PAGES",
    "PIECE_PAGES",
    "prefetch",
    "router",
    "templates",
]

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

BOOT = (HERE / "static" / "js" / "boot.js").read_text(encoding="utf-8")
"""The one inline script: it starts the page's first API reads (:func:`prefetch`) while
the page's modules download, so a cold page waits for the slower of the two, not both."""

BOOT_HASH = base64.b64encode(hashlib.sha256(BOOT.encode()).digest()).decode()

FAVICON = (
    "data:image/svg+xml;base64,"
    + base64.b64encode((HERE / "static" / "favicon.svg").read_bytes()).decode()
)
"""The icon, inline (``img-src`` allows ``data:``): as a file, Chromium asks for it again
after every move between pages, beside the new page's reads."""

CSP = (
    "default-src 'self'; "
    f"script-src 'self' 'sha256-{BOOT_HASH}'; "
    "style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""Same origin only: no CDN, and no inline script but :data:`BOOT` (allowed by its hash)."""

NAVIGATION: tuple[tuple[str, str], ...] = (
    ("/", "Personas"),
    ("/write", "Write"),
    ("/library", "Library"),
    ("/calendar", "Calendar"),
    ("/experiments", "A/B tests"),
    ("/chat", "Chat"),
    ("/strategy", "Strategy"),
    ("/universe", "Universe"),
    ("/account", "Account"),
)
"""The header's links, in seed 003's order of importance for a writer."""

router = APIRouter(include_in_schema=False)

PersonaId = Annotated[int, PathParam(ge=1, le=MAX_INT)]
PieceId = Annotated[int, PathParam(ge=1, le=MAX_INT)]


PERSONAS = "/api/personas?limit=100"
PLATFORMS = "/api/platforms"


def _query_id(request: Request, name: str) -> int | None:
    """A positive id from the query string, or ``None`` (anything else is not prefetched)."""
    raw = request.query_params.get(name, "")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_INT else None


def prefetch(page: str, request: Request, **ids: int) -> list[str]:
    """The API GETs the page's script makes first, spelled exactly as it makes them (so
    ``api.js`` finds the early answers); only what the address alone determines."""
    persona = ids.get("persona_id")
    piece = ids.get("piece_id")
    chosen = _query_id(request, "persona")
    match page:
        case "personas":
            return [PERSONAS]
        case "persona":
            p = f"/api/personas/{persona}"
            return [p, f"/api/studio/personas/{persona}/voice", f"{p}/traits", f"{p}/platforms",
                    "/api/jobs?limit=100"]  # fmt: skip
        case "history":
            p = f"/api/personas/{persona}"
            return [p, f"{p}/versions", f"{p}/labels"]
        case "write":
            return [PERSONAS, PLATFORMS]
        case "chat":
            return [PERSONAS] + ([f"/api/personas/{chosen}/memories?limit=50"] if chosen else [])
        case "strategy":
            if not chosen:
                return [PERSONAS]
            v1 = f"/api/v1/strategy/{chosen}"
            return [PERSONAS, f"/api/studio/strategy/{chosen}/current", f"{v1}/performance",
                    f"{v1}/clusters"]  # fmt: skip
        case "universe":
            return ["/api/studio/universe"]
        case "account":
            return ["/api/auth/me", "/api/auth/keys"]
        case "library":
            plain = not request.query_params
            return [PERSONAS, PLATFORMS] + (["/api/content?limit=20&offset=0"] if plain else [])
        case "piece":
            return [f"/api/content/{piece}", "/api/content/publishers", PERSONAS,
                    f"/api/studio/content/{piece}/suggested-time"]  # fmt: skip
        case "experiments":
            return [PERSONAS, PLATFORMS, "/api/content/experiments"]
    return []


def _page(request: Request, page: str, title: str, **context: int) -> HTMLResponse:
    response = templates.TemplateResponse(
        request,
        f"{page}.html",
        {
            "page": page,
            "title": title,
            "navigation": NAVIGATION,
            "version": __version__,
            "boot": BOOT,
            "favicon": FAVICON,
            "prefetch": prefetch(page, request, **context),
            **context,
        },
    )
    response.headers["Content-Security-Policy"] = CSP
    return response


PAGES: tuple[tuple[str, str, str], ...] = (
    ("/", "personas", "Your personas"),
    ("/signin", "signin", "Sign in"),
    ("/personas/new", "new", "New persona"),
    ("/write", "write", "Write"),
    ("/chat", "chat", "Chat"),
    ("/library", "library", "Content library"),
    ("/calendar", "calendar", "Calendar"),
    ("/experiments", "experiments", "A/B tests of persona versions"),
    ("/strategy", "strategy", "Strategy"),
    ("/universe", "universe", "Persona universe"),
    ("/account", "account", "Account"),
)
"""``(path, template, title)`` of the pages that take no path parameter."""

PERSONA_PAGES: tuple[tuple[str, str, str], ...] = (
    ("/personas/{persona_id}", "persona", "Persona"),
    ("/personas/{persona_id}/history", "history", "History"),
)
"""The same for the pages of one persona (its id goes to the page as ``data-persona-id``)."""

PIECE_PAGES: tuple[tuple[str, str, str], ...] = (("/library/{piece_id}", "piece", "Piece"),)
"""The same for one piece of the content library (``data-piece-id``)."""


def _shell(page: str, title: str) -> Callable[[Request], HTMLResponse]:
    def shell(request: Request) -> HTMLResponse:
        return _page(request, page, title)

    return shell


def _persona_shell(page: str, title: str) -> Callable[[Request, int], HTMLResponse]:
    def shell(request: Request, persona_id: PersonaId) -> HTMLResponse:
        return _page(request, page, title, persona_id=persona_id)

    return shell


def _piece_shell(page: str, title: str) -> Callable[[Request, int], HTMLResponse]:
    def shell(request: Request, piece_id: PieceId) -> HTMLResponse:
        return _page(request, page, title, piece_id=piece_id)

    return shell


for _path, _name, _title in PAGES:
    router.add_api_route(_path, _shell(_name, _title), methods=["GET"], response_class=HTMLResponse)
for _path, _name, _title in PERSONA_PAGES:
    router.add_api_route(
        _path, _persona_shell(_name, _title), methods=["GET"], response_class=HTMLResponse
    )
for _path, _name, _title in PIECE_PAGES:
    router.add_api_route(
        _path, _piece_shell(_name, _title), methods=["GET"], response_class=HTMLResponse
    )
