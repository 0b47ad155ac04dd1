"""The content loop's pages (issue 17): the library and one piece, the calendar, and A/B
tests of persona versions. Each page: accessible and phone-wide (axe, no sideways scroll,
screenshots), its journey done with the keyboard-reachable controls a person uses, and its
bad input said in words. Setup goes through the API; every assertion is on the page."""

from __future__ import annotations

import re
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from personae.samples import sample_writers
from tests.web.conftest import Studio, alert_text, check_page, sign_in_as

EMAIL = "library@example.org"
PIECES = 22
"""More than one page of the library (20 a page)."""


@pytest.fixture(scope="module")
def account(studio: Studio) -> dict[str, Any]:
    """A measured persona with a production label, 22 kept pieces (the last on X) and one
    of them scheduled in two days."""
    token = studio.register(EMAIL)["access_token"]
    writer = sample_writers()[0]
    persona = studio.call(
        "POST",
        "/api/personas",
        {"name": writer.key, "role": "Founder", "writing_samples": list(writer.training)},
        token=token,
    )
    pid = persona["id"]
    studio.call("PUT", f"/api/personas/{pid}/labels/production", {"version": 1}, token=token)
    pieces = []
    for n in range(PIECES):
        platform = "x" if n == PIECES - 1 else "linkedin"
        body = {
            "persona_id": pid,
            "platform": platform,
            "text": f"Note {n}: we shipped the billing page after cutting three features.",
            "brief": f"shipping note {n}",
        }
        pieces.append(studio.call("POST", "/api/content", body, token=token)["id"])
    when = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0).isoformat()
    studio.call("POST", f"/api/content/{pieces[0]}/schedule", {"at": when}, token=token)
    return {"persona": pid, "pieces": pieces, "token": token}


def _ready(page: Any) -> None:
    page.wait_for_function("() => document.body.dataset.ready !== undefined")


def _open(page: Any, studio: Studio, path: str) -> None:
    """Sign the tab in as the module's account, open the page and wait for its data."""
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + path)
    _ready(page)


# -- the library ---------------------------------------------------------------------------


def test_the_library_searches_filters_and_pages(
    page: Any, studio: Studio, account: dict[str, Any]
) -> None:
    _open(page, studio, "/library")
    count = page.locator("#count")
    assert count.inner_text() == f"Pieces 1–20 of {PIECES}."
    page.get_by_role("button", name="Next page").click()
    count.get_by_text(f"Pieces 21–{PIECES} of {PIECES}.").wait_for()
    assert page.get_by_role("button", name="Next page").is_disabled()
    page.get_by_role("button", name="Previous page").click()
    count.get_by_text("Pieces 1–20").wait_for()
    # Filters: platform, status, text, date; the address keeps them.
    page.get_by_label("Platform").select_option("x")
    page.get_by_role("button", name="Search").click()
    count.get_by_text("of 1.").wait_for()
    assert f"Note {PIECES - 1}:" in page.locator("#pieces").inner_text()
    assert "platform=x" in page.url
    page.get_by_role("button", name="Clear filters").click()
    page.get_by_label("Status").select_option("scheduled")
    page.get_by_role("button", name="Search").click()
    count.get_by_text("of 1.").wait_for()
    assert "scheduled for" in page.locator("#pieces").inner_text()
    page.get_by_role("button", name="Clear filters").click()
    page.get_by_label("Text contains").fill("Note 7:")
    page.get_by_label("Written from").fill(datetime.now().date().isoformat())
    page.get_by_role("button", name="Search").click()
    count.get_by_text("of 1.").wait_for()
    page.get_by_label("Written from").fill((datetime.now() + timedelta(days=3)).date().isoformat())
    page.get_by_role("button", name="Search").click()
    count.get_by_text("No pieces.").wait_for()
    page.get_by_role("button", name="Clear filters").click()
    page.get_by_label("Persona").select_option(str(account["persona"]))
    page.get_by_label("Text contains").press("Enter")  # the keyboard submits the search
    count.get_by_text(f"of {PIECES}.").wait_for()
    page.get_by_role("link", name=re.compile(r"^Piece \d+: shipping note 3$")).click()
    page.wait_for_url(re.compile(r"/library/\d+$"))
    _ready(page)


def test_the_library_says_what_is_wrong(page: Any, studio: Studio, account: dict[str, Any]) -> None:
    _open(page, studio, "/library")
    page.get_by_label("Written from").fill("2026-12-10")
    page.get_by_label("Written until (inclusive)").fill("2026-12-01")
    page.get_by_role("button", name="Search").click()
    assert "before" in alert_text(page)
    upload = page.get_by_label("Analytics export (.csv)")
    upload.set_input_files([{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"%"}])
    page.get_by_role("button", name="Import engagement").click()
    page.get_by_role("alert").get_by_text("report.pdf is not a .csv export").wait_for()
    # Every row refused: the API's 422 in words, and each row's reason in a table.
    rows = "external_id,likes\nno-such-post,4\nanother,lots\n"
    upload.set_input_files([{"name": "x.csv", "mimeType": "text/csv", "buffer": rows.encode()}])
    page.get_by_role("button", name="Import engagement").click()
    page.get_by_role("alert").get_by_text("no row of the 2 could be imported").wait_for()
    report = page.locator("#import-report")
    assert report.locator("tbody tr").count() == 2
    assert "no-such-post" in report.inner_text()


# -- one piece -----------------------------------------------------------------------------


def test_a_piece_is_edited_approved_scheduled_and_archived(
    page: Any, studio: Studio, account: dict[str, Any]
) -> None:
    piece = account["pieces"][2]
    _open(page, studio, f"/library/{piece}")
    page.get_by_role("heading", name=f"Piece {piece}: draft").wait_for()
    assert page.locator("#edits").inner_text() == "Not edited yet."
    # An edit keeps the text before it; the second one teaches the persona.
    page.get_by_label("Text of the piece").fill("We cut three features. The billing page shipped.")
    page.get_by_label("What you changed and why").fill("shorter")
    page.get_by_role("button", name="Save edit").click()
    page.get_by_role("status").get_by_text("Edit saved.").wait_for()
    assert "Note: shorter" in page.locator("#edits").inner_text()
    versions = studio.call(
        "GET", f"/api/personas/{account['persona']}/versions", token=account["token"]
    )
    page.get_by_label("Text of the piece").fill(
        "We cut three features, and the billing page shipped on Friday."
    )
    page.get_by_label("Edit as feedback").check()
    page.get_by_role("button", name="Save edit").click()
    page.get_by_role("status").get_by_text("the persona learned from your edit").wait_for()
    assert page.locator("#edits > li").count() == 2
    assert "taught the persona" in page.locator("#edits").inner_text()
    after = studio.call(
        "GET", f"/api/personas/{account['persona']}/versions", token=account["token"]
    )
    assert len(after) == len(versions) + 1
    # Approve, then schedule at the suggested hour (already in the field).
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("heading", name=f"Piece {piece}: approved").wait_for()
    assert page.get_by_role("button", name="Approve").is_disabled()
    suggested = page.locator("#suggested").inner_text()
    assert re.search(
        r"Suggested: .*\(\d\d:00 UTC, the strategy's best hour for linkedin\)", suggested
    )
    assert page.get_by_label("Publish at (your local time)").input_value()
    page.get_by_role("button", name="Schedule").click()
    page.get_by_role("heading", name=f"Piece {piece}: scheduled").wait_for()
    detail = studio.call("GET", f"/api/content/{piece}", token=account["token"])
    assert datetime.fromisoformat(detail["scheduled_at"]).minute == 0
    assert "via manual" in page.locator("#facts").inner_text()
    # Archived: out of the calendar, nothing more to do but edit.
    page.get_by_role("button", name="Archive this piece").click()
    page.get_by_role("heading", name=f"Piece {piece}: archived").wait_for()
    assert page.get_by_role("button", name="Schedule").is_disabled()
    assert page.get_by_role("button", name="Archive this piece").is_disabled()


def test_a_piece_published_by_hand_and_bad_input(
    page: Any, studio: Studio, account: dict[str, Any]
) -> None:
    piece = account["pieces"][3]
    _open(page, studio, f"/library/{piece}")
    page.get_by_role("button", name="Save edit").click()
    assert "Nothing changed" in alert_text(page)
    page.get_by_role("button", name="Mark as published").click()
    assert "the post's id or its URL" in alert_text(page)
    page.get_by_label("The post's URL").fill("not a link")
    page.get_by_role("button", name="Mark as published").click()
    page.get_by_role("alert").get_by_text("http:// or https://").wait_for()
    # In the past: the API's refusal, in words.
    page.get_by_label("Publish at (your local time)").fill("2020-01-01T09:00")
    page.get_by_role("button", name="Schedule").click()
    page.get_by_role("alert").get_by_text("the time is in the past").wait_for()
    page.get_by_label("The post's id on the platform").fill("urn:li:activity:7001")
    page.get_by_label("The post's URL").fill("https://www.linkedin.com/feed/update/7001")
    page.get_by_role("button", name="Mark as published").click()
    page.get_by_role("heading", name=f"Piece {piece}: published").wait_for()
    facts = page.locator("#facts").inner_text()
    assert "id urn:li:activity:7001" in facts
    assert "manual try 1: ok" in page.locator("#attempts").inner_text()
    # A piece that is not there (or another account's) is said in words.
    page.goto(f"{studio.url}/library/999999")
    assert "999999" in alert_text(page)


# -- the calendar --------------------------------------------------------------------------


def test_the_calendar_shows_the_plan_and_its_feed(
    page: Any, studio: Studio, account: dict[str, Any]
) -> None:
    first = account["pieces"][0]
    _open(page, studio, "/calendar")
    plan = page.locator("#plan")
    plan.get_by_role("link", name=f"Piece {first}: shipping note 0").wait_for()
    # A range with nothing in it: said so.
    page.get_by_label("From").fill((datetime.now() - timedelta(days=30)).date().isoformat())
    page.get_by_label("Until (inclusive)").fill(
        (datetime.now() - timedelta(days=20)).date().isoformat()
    )
    page.get_by_role("button", name="Show the plan").click()
    plan.get_by_text("Nothing scheduled or published").wait_for()
    page.get_by_role("button", name="Create a calendar feed address").click()
    url = page.get_by_label("Your calendar feed address (shown once)").input_value()
    assert "/api/content/calendar/feed.ics?token=" in url
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/calendar")
        feed = response.read().decode().replace("\r\n ", "")  # unfold long lines
    assert "Note 0: we shipped the billing page" in feed
    # A new address replaces the old one.
    page.get_by_role("button", name="Create a calendar feed address").click()
    page.wait_for_function("old => document.getElementById('feed-url').value !== old", arg=url)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=30)
    refused.value.close()
    assert refused.value.code == 401


def test_the_calendar_refuses_a_backwards_range(
    page: Any, studio: Studio, account: dict[str, Any]
) -> None:
    _open(page, studio, "/calendar")
    page.get_by_label("From").fill("2026-12-10")
    page.get_by_label("Until (inclusive)").fill("2026-12-01")
    page.get_by_role("button", name="Show the plan").click()
    assert "before" in alert_text(page)
    page.get_by_label("From").fill("2024-01-01")
    page.get_by_role("button", name="Show the plan").click()
    page.get_by_role("alert").get_by_text("at most a year").wait_for()


# -- A/B tests -----------------------------------------------------------------------------


def test_an_ab_test_is_started_allocated_and_reported(
    page: Any, studio: Studio, account: dict[str, Any]
) -> None:
    _open(page, studio, f"/experiments?persona={account['persona']}")
    page.get_by_label("Name of the test").fill("label vs first version")
    page.get_by_label("Variant 1: version or label").select_option("label:production")
    page.get_by_label("Variant 2: version or label").select_option("version:1")
    page.get_by_label("Variant 2 name").fill("first")
    page.get_by_role("button", name="Start the test").click()
    card = page.locator(
        "section.card", has=page.get_by_role("heading", name="label vs first version")
    )
    card.wait_for()
    rows = card.locator("tbody tr")
    assert rows.count() == 2
    assert "50%" in rows.first.inner_text()  # no evidence yet: even odds
    assert "Keep going:" in card.inner_text()
    card.get_by_role("button", name="Which variant writes next?").click()
    chosen = card.locator(".allocation strong").inner_text()
    variant = re.fullmatch(r"Variant (\S+) writes next", chosen)
    assert variant, chosen
    card.get_by_label(f"Text for variant {variant[1]}").fill("Ship the small thing first.")
    card.get_by_role("button", name="Keep as the variant's piece").click()
    page.get_by_role("status").get_by_text(f"of variant {variant[1]}.").wait_for()
    card = page.locator(
        "section.card", has=page.get_by_role("heading", name="label vs first version")
    )
    row = card.locator("tbody tr", has=page.get_by_role("rowheader", name=variant[1]))
    row.get_by_role("link", name=re.compile(r"^#\d+$")).wait_for()
    # The model writes the next one, as the variant's own persona version.
    card.get_by_role("button", name="Which variant writes next?").click()
    chosen = card.locator(".allocation strong").inner_text()
    variant = re.fullmatch(r"Variant (\S+) writes next", chosen)
    assert variant, chosen
    card.get_by_label(f"Or have variant {variant[1]} write it").fill("shipping small")
    card.get_by_role("button", name="Write it as this version").click()
    written = page.get_by_role("status").get_by_text(f"of variant {variant[1]}.")
    written.wait_for()
    assert re.search(r"Written as version \d+ and kept as piece \d+", written.inner_text())
    card.get_by_role("button", name="Stop the test").click()
    page.get_by_role("status").get_by_text("stopped").wait_for()
    assert card.get_by_role("button", name="Which variant writes next?").count() == 0


def test_an_ab_test_needs_a_name_and_good_variants(
    page: Any, studio: Studio, account: dict[str, Any]
) -> None:
    _open(page, studio, f"/experiments?persona={account['persona']}")
    page.get_by_role("button", name="Start the test").click()
    assert "Name the test" in alert_text(page)
    page.get_by_label("Name of the test").fill("bad names")
    page.get_by_label("Variant 2 name").fill("B!")
    page.get_by_role("button", name="Start the test").click()
    page.get_by_role("alert").get_by_text("use letters, digits").wait_for()
    # Two variants with one name: the API's refusal, in words.
    page.get_by_label("Variant 2 name").fill("A")
    page.get_by_role("button", name="Start the test").click()
    page.get_by_role("alert").get_by_text("variant names must differ").wait_for()


# -- every page -----------------------------------------------------------------------------

PAGES = {
    "library": lambda a: "/library",
    "piece": lambda a: f"/library/{a['pieces'][1]}",
    "calendar": lambda a: "/calendar",
    "experiments": lambda a: "/experiments",
}


# Last in the module, so the screenshots show the pages with what the tests above made.
@pytest.mark.parametrize("name", list(PAGES))
def test_each_content_page_is_accessible_and_fits_a_phone(
    name: str, page: Any, studio: Studio, account: dict[str, Any], tmp_path: Path
) -> None:
    _open(page, studio, PAGES[name](account))
    check_page(page, name, tmp_path)
    assert page.evaluate("window.personaeEarly instanceof Map") == (name != "calendar")
