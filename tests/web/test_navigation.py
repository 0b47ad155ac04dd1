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


def _gets(page: Any, *parts: str) -> list[str]:
    """The GETs this page makes from now on whose URL contains one of ``parts``."""
    asked: list[str] = []
    page.on(
        "request",
        lambda request: (
            asked.append(request.url)
            if request.method == "GET" and any(part in request.url for part in parts)
            else None
        ),
    )
    return asked


def _nav(page: Any, name: str) -> Any:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def test_a_link_the_pointer_rests_on_has_its_reads_asked_ahead_and_used_once(
    page: Any, studio: Studio, persona_id: int
) -> None:
    """Intent (the pointer resting on a link) starts the next page's reads; the click takes
    them: each is asked for once, before the click, and the page draws them."""
    _open(page, studio, "/")
    asked = _gets(page, "/api/auth/me", "/api/auth/keys")
    with page.expect_request_finished(lambda r: r.url.endswith("/api/auth/keys")):
        _nav(page, "Account").hover()
    for _ in range(100):  # both asked for before the click (they go out together)
        if len(asked) == 2:
            break
        page.wait_for_timeout(20)
    assert len(asked) == 2, asked
    _nav(page, "Account").click()
    page.wait_for_url(re.compile(r"/account$"))
    page.wait_for_function(READY)
    assert sorted(url.rsplit("/", 1)[1] for url in asked) == ["keys", "me"]
    assert page.locator("#who").inner_text() == f"Signed in as {EMAIL}."
    assert page.evaluate("window.__sameDocument") is True


def test_a_write_after_reading_ahead_makes_the_page_read_again(
    page: Any, studio: Studio, persona_id: int
) -> None:
    """What was read ahead is not shown once anything was written since: the page asks
    again and shows the key made after the read ahead."""
    _open(page, studio, "/")
    asked = _gets(page, "/api/auth/keys")
    with page.expect_request_finished(lambda r: r.url.endswith("/api/auth/keys")):
        _nav(page, "Account").hover()
    page.evaluate(
        """async () => (await import("/static/js/api.js")).api("/api/auth/keys",
          { method: "POST", json: { name: "made-after-the-read" } })"""
    )
    _nav(page, "Account").click()
    page.wait_for_url(re.compile(r"/account$"))
    page.wait_for_function(READY)
    assert "made-after-the-read" in page.locator("#keys").inner_text()
    assert len(asked) == 2, asked  # the read ahead, then the page's own


def test_a_post_that_only_judges_a_text_keeps_what_was_read_ahead(
    page: Any, studio: Studio, persona_id: int
) -> None:
    """The write page judges a draft (match, validate, marks) at every pause in typing:
    those POSTs store nothing, so the read ahead is still taken, not asked for again."""
    _open(page, studio, "/")
    asked = _gets(page, "/api/auth/keys")
    with page.expect_request_finished(lambda r: r.url.endswith("/api/auth/keys")):
        _nav(page, "Account").hover()
    text = sample_writers()[0].held_out
    share = page.evaluate(
        """async ([id, text]) => (await import("/static/js/api.js")).api(
          `/api/personas/${id}/match`, { method: "POST", json: { text }, changes: false })""",
        [persona_id, text],
    )
    assert 0.0 <= share["score"] <= 1.0
    _nav(page, "Account").click()
    page.wait_for_url(re.compile(r"/account$"))
    page.wait_for_function(READY)
    assert page.locator("#who").inner_text() == f"Signed in as {EMAIL}."
    assert len(asked) == 1, asked  # the read ahead only: the page took it


def test_a_read_ahead_older_than_its_freshness_is_not_used(
    page: Any, studio: Studio, persona_id: int
) -> None:
    _open(page, studio, "/")
    page.clock.install()
    asked = _gets(page, "/api/auth/keys")
    with page.expect_request_finished(lambda r: r.url.endswith("/api/auth/keys")):
        _nav(page, "Account").hover()
    page.clock.fast_forward(11_000)  # past api.js FRESH_MS
    _nav(page, "Account").click()
    page.wait_for_url(re.compile(r"/account$"))
    page.wait_for_function(READY)
    assert len(asked) == 2, asked


def test_a_pointer_passing_over_a_link_asks_for_nothing(
    page: Any, studio: Studio, persona_id: int
) -> None:
    _open(page, studio, "/")
    asked = _gets(page, "/api/auth/keys", "/api/auth/me")
    # On the link for 30 ms, under the router's 65: a timer due sooner always runs first.
    page.evaluate(
        """async () => { const link = document.querySelector('header a[href="/account"]');
          link.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
          await new Promise((resolve) => setTimeout(resolve, 30));
          link.dispatchEvent(new MouseEvent("mouseout", { bubbles: true })); }"""
    )
    page.wait_for_timeout(400)
    assert asked == []


@pytest.mark.parametrize(
    ("link", "follows", "lands"),
    [
        ("A/B tests", "/api/personas/{id}/versions", r"/experiments$"),
        ("Strategy", "/api/v1/strategy/{id}/performance", r"/strategy$"),
        ("Chat", "/api/personas/{id}/memories?limit=50", r"/chat$"),
    ],
)
def test_reads_that_follow_from_others_are_asked_ahead_too(
    page: Any, studio: Studio, persona_id: int, link: str, follows: str, lands: str
) -> None:
    """Opened from the header, these pages show the first persona's data, known only from
    the personas list: the router follows the page's ``readsAfter`` while the pointer
    rests, and the page takes what it asked for instead of asking again."""
    _open(page, studio, "/")
    path = follows.format(id=persona_id)
    asked = _gets(page, path)
    with page.expect_request_finished(lambda r: r.url.endswith(path)):
        _nav(page, link).hover()
    _nav(page, link).click()
    page.wait_for_url(re.compile(lands))
    page.wait_for_function(READY)
    assert len(asked) == 1, asked
    assert page.locator("#persona, #x-persona").first.input_value() == str(persona_id)
