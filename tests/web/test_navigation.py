"""Moving between the studio's pages in place (static/js/studio.js): a link to another page
swaps the page without reloading the document, the address, title, header and focus
follow, Back and Forward work, and a page that is left stops what it was doing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from personae.samples import sample_writers
from tests.web.conftest import Studio, check_page, sign_in_as

EMAIL = "navigation@example.org"
READY = "() => document.body.dataset.ready !== undefined"


@pytest.fixture(scope="module")
def persona_id(studio: Studio) -> int:
    token = studio.register(EMAIL)["access_token"]
    writer = sample_writers()[0]
    body = {"name": writer.key, "role": "Founder", "writing_samples": list(writer.training)}
    return int(studio.call("POST", "/api/personas", body, token=token)["id"])


def _open(page: Any, studio: Studio, path: str) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + path)
    page.wait_for_function(READY)
    page.evaluate("window.__sameDocument = true")  # gone if the document reloads


def test_a_link_to_another_page_swaps_it_in_place(
    page: Any, studio: Studio, persona_id: int, tmp_path: Path
) -> None:
    _open(page, studio, "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Strategy").click()
    page.wait_for_url(re.compile(r"/strategy$"))
    page.wait_for_function(READY)
    page.wait_for_function("() => document.body.dataset.charted !== undefined")
    assert page.evaluate("window.__sameDocument") is True
    assert page.title() == "Strategy · personae"
    assert page.get_by_role("heading", level=1).inner_text() == "Strategy"
    current = page.locator("header [aria-current=page]")
    assert current.inner_text() == "Strategy"
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.locator("#persona").input_value() == str(persona_id)
    check_page(page, "strategy-in-place", tmp_path)

    page.go_back()
    page.wait_for_url(studio.url + "/")
    page.wait_for_function(READY)
    assert page.get_by_role("link", name=sample_writers()[0].key).count() == 1
    assert page.locator("header [aria-current=page]").inner_text() == "Personas"
    page.go_forward()
    page.wait_for_url(re.compile(r"/strategy$"))
    page.wait_for_function(READY)
    assert page.evaluate("window.__sameDocument") is True


def test_a_page_reached_in_place_from_a_link_in_the_page(
    page: Any, studio: Studio, persona_id: int
) -> None:
    _open(page, studio, "/")
    page.get_by_role("link", name=sample_writers()[0].key).click()
    page.wait_for_url(re.compile(rf"/personas/{persona_id}$"))
    page.wait_for_function(READY)
    assert page.locator("#dimensions tbody tr").count() >= 10
    page.get_by_role("link", name="Write as this persona").click()
    page.wait_for_url(re.compile(rf"/write\?persona={persona_id}$"))
    page.wait_for_function(READY)
    assert page.locator("#persona").input_value() == str(persona_id)
    assert page.evaluate("window.__sameDocument") is True


def test_a_page_left_stops_its_chat_connection(page: Any, studio: Studio, persona_id: int) -> None:
    page.add_init_script(
        """(() => { const Native = window.WebSocket; window.__sockets = [];
        window.WebSocket = class extends Native {
          constructor(...args) { super(...args); window.__sockets.push(this); } }; })()"""
    )
    _open(page, studio, f"/chat?persona={persona_id}")
    page.get_by_label("Message", exact=True).fill("Hello, who are you?")
    page.get_by_role("button", name="Send").click()
    page.wait_for_function("() => document.querySelectorAll('#messages li.persona').length >= 1")
    assert page.evaluate("window.__sockets.map((s) => s.readyState)") == [1]
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    page.wait_for_url(re.compile(r"/library$"))
    page.wait_for_function(READY)
    page.wait_for_function("() => window.__sockets.every((s) => s.readyState === 3)")
    assert page.get_by_role("alert").is_hidden()
    assert page.evaluate("window.__sameDocument") is True


def test_a_page_left_before_its_data_came_shows_nothing_of_it(
    page: Any, studio: Studio, persona_id: int
) -> None:
    """The persona page's reads are held back; the person moves on before they answer: the
    next page draws its own data and no error or element of the left page appears."""
    _open(page, studio, "/")
    page.route(
        re.compile(r"/api/studio/personas/\d+/voice$"),
        lambda route: (page.wait_for_timeout(600), route.continue_()),
    )
    page.get_by_role("link", name=sample_writers()[0].key).click()
    page.wait_for_url(re.compile(rf"/personas/{persona_id}$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.wait_for_url(re.compile(r"/account$"))
    page.wait_for_function(READY)
    page.wait_for_timeout(900)  # the held read answers now, into a page that is gone
    assert page.get_by_role("heading", level=1).inner_text() == "Account"
    assert page.locator("#dimensions").count() == 0
    assert page.get_by_role("alert").is_hidden()


def test_links_outside_the_studio_load_in_full(page: Any, studio: Studio, persona_id: int) -> None:
    _open(page, studio, "/")
    page.get_by_role("link", name="API docs").click()
    page.wait_for_url(re.compile(r"/docs$"))
    page.wait_for_load_state()
    assert page.evaluate("window.__sameDocument") is None


def test_the_page_on_screen_asked_for_again_is_redrawn_without_a_new_history_entry(
    page: Any, studio: Studio, persona_id: int
) -> None:
    _open(page, studio, "/")
    entries = page.evaluate("history.length")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Personas").click()
    page.wait_for_function(READY)
    assert page.evaluate("history.length") == entries
    assert page.get_by_role("link", name=sample_writers()[0].key).count() == 1
    assert page.evaluate("window.__sameDocument") is True


def test_a_page_that_names_its_own_first_read_gets_it_asked_early_once(
    page: Any, studio: Studio, persona_id: int
) -> None:
    """The calendar's read depends on the browser's time zone, so its module names it
    (``reads``) and the router asks for it before the swap: one request, taken by the page."""
    _open(page, studio, "/")
    asked: list[str] = []
    page.on(
        "request",
        lambda request: asked.append(request.url) if "/calendar?" in request.url else None,
    )
    page.evaluate(
        """() => new MutationObserver(() => {
          if (document.body.dataset.page === "calendar") window.__swapAt ??= performance.now();
        }).observe(document.body, { attributes: true })"""
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    page.wait_for_url(re.compile(r"/calendar\?from=\d{4}-\d\d-\d\d&to="))
    page.wait_for_function(READY)
    assert len([url for url in asked if "/api/content/calendar?" in url]) == 1, asked
    asked_at = page.evaluate(
        """() => performance.getEntriesByType("resource")
          .find((e) => e.name.includes("/api/content/calendar?")).startTime"""
    )
    assert asked_at < page.evaluate("window.__swapAt")  # asked before the page was put in place
    assert page.evaluate("[...window.personaeEarly.keys()]") == []
    assert page.evaluate("window.__sameDocument") is True
