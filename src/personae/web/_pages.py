"""The studio's HTML routes: one server-rendered shell per page.

The shells carry no user data (the API's credentials are bearer tokens the page keeps,
see ``static/js/api.js``); each loads ``static/js/<page>.js``, which fetches what the
page shows from the JSON API. Every page answers with a Content-Security-Policy that
allows scripts, styles, images and connections from this origin only: the studio works
offline and an injected script from elsewhere does not run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from personae import __version__
from personae.store import MAX_INT

__all__ = ["CSP", "NAVIGATION", "router", "templates"]

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""Same origin only: no CDN, no inline script."""

NAVIGATION: tuple[tuple[str, str], ...] = (
    ("/", "Personas"),
    ("/write", "Write"),
    ("/chat", "Chat"),
    ("/strategy", "Strategy"),
    ("/universe", "Universe"),
    ("/account", "Account"),
)
"""The header's links, in seed 003's order of importance for a writer."""

router = APIRouter(include_in_schema=False)

PersonaId = Annotated[int, PathParam(ge=1, le=MAX_INT)]


def _page(request: Request, page: str, title: str, **context: object) -> HTMLResponse:
    response = templates.TemplateResponse(
        request,
        f"{page}.html",
        {
            "page": page,
            "title": title,
            "navigation": NAVIGATION,
            "version": __version__,
            **context,
        },
    )
    response.headers["Content-Security-Policy"] = CSP
    return response


@router.get("/", response_class=HTMLResponse)
def personas_page(request: Request) -> HTMLResponse:
    """Home: the account's personas."""
    return _page(request, "personas", "Your personas")


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request) -> HTMLResponse:
    """Sign in or create an account."""
    return _page(request, "signin", "Sign in")


@router.get("/personas/new", response_class=HTMLResponse)
def new_persona_page(request: Request) -> HTMLResponse:
    """Create a persona from writing samples, or import a character card."""
    return _page(request, "new", "New persona")


@router.get("/personas/{persona_id}", response_class=HTMLResponse)
def persona_page(request: Request, persona_id: PersonaId) -> HTMLResponse:
    """The persona's measured voice, confidence, rules and traits."""
    return _page(request, "persona", "Persona", persona_id=persona_id)


@router.get("/personas/{persona_id}/history", response_class=HTMLResponse)
def history_page(request: Request, persona_id: PersonaId) -> HTMLResponse:
    """Versions, diffs, rollback and labels."""
    return _page(request, "history", "History", persona_id=persona_id)


@router.get("/write", response_class=HTMLResponse)
def write_page(request: Request) -> HTMLResponse:
    """The writing studio."""
    return _page(request, "write", "Write")


@router.get("/chat", response_class=HTMLResponse)
def chat_page(request: Request) -> HTMLResponse:
    """Chat with a persona, and what it remembers."""
    return _page(request, "chat", "Chat")


@router.get("/strategy", response_class=HTMLResponse)
def strategy_page(request: Request) -> HTMLResponse:
    """Recommendation, performance, audience, engagement import."""
    return _page(request, "strategy", "Strategy")


@router.get("/universe", response_class=HTMLResponse)
def universe_page(request: Request) -> HTMLResponse:
    """The account's personas placed by voice."""
    return _page(request, "universe", "Persona universe")


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> HTMLResponse:
    """API keys, export, erase."""
    return _page(request, "account", "Account")
