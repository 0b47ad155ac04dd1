"""Every page of the studio: accessible (axe-core: no serious or critical violation), usable
at a phone's width, and clear about bad input (the API's error in words, never raw JSON).

Screenshots of each page at desktop and phone width are taken here; they are written to
``docs/screenshots/`` when ``PERSONAE_WRITE_SCREENSHOTS=1`` (how the committed ones were
made), else to the test's temporary folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from personae.samples import sample_writers
from tests.web.conftest import Console, Studio, alert_text, check_page, sign_in_as

EMAIL = "pages@example.org"


@pytest.fixture(scope="module")
def account(studio: Studio) -> dict[str, int]:
    """An account with two measured personas and one without a voice."""
    token = studio.register(EMAIL)["access_token"]
    ids = {}
    for writer in sample_writers()[:2]:
        persona = studio.call(
            "POST",
            "/api/personas",
            {
                "name": writer.key,
                "role": writer.description[:80],
                "writing_samples": list(writer.training),
            },
            token=token,
        )
        ids[writer.key] = persona["id"]
    studio.call("POST", "/api/personas", {"name": "blank", "role": "Draft"}, token=token)
    first = ids[sample_writers()[0].key]
    studio.call(
        "POST", f"/api/personas/{first}/traits", {"name": "curious", "intensity": 0.6}, token=token
    )
    return ids


def _pages(ids: dict[str, int]) -> dict[str, str]:
    first = next(iter(ids.values()))
    return {
        "signin": "/signin",
        "personas": "/",
        "new": "/personas/new",
        "persona": f"/personas/{first}",
        "write": f"/write?persona={first}",
        "chat": f"/chat?persona={first}",
        "history": f"/personas/{first}/history",
        "strategy": f"/strategy?persona={first}",
        "universe": "/universe",
        "account": "/account",
    }


PAGES = [
    "signin",
    "personas",
    "new",
    "persona",
    "write",
    "chat",
    "history",
    "strategy",
    "universe",
    "account",
]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_accessible_and_fits_a_phone(
    name: str, page: Any, studio: Studio, account: dict[str, int], tmp_path: Path, console: Console
) -> None:
    if name != "signin":
        sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + _pages(account)[name])
    check_page(page, name, tmp_path)
    assert console.failed == []  # no read of a first view is refused (the console shows those)
    if name not in {"signin", "new"}:  # the pages with data start reading it at once
        assert page.evaluate("window.personaeEarly instanceof Map")


def test_the_keyboard_alone_reaches_the_main_content(
    page: Any, studio: Studio, account: dict[str, int]
) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


# -- bad input, one page at a time -------------------------------------------------------


def test_signin_says_what_is_wrong(page: Any, studio: Studio) -> None:
    page.goto(studio.url + "/signin")
    page.locator("#signin-email").fill("nobody@example.org")
    page.locator("#signin-password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert "wrong e-mail or password" in alert_text(page)
    page.locator("#register-email").fill("weak@example.org")
    page.locator("#register-password").fill("password")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("alert").get_by_text(re.compile("password", re.I)).wait_for()


def test_new_persona_refuses_a_pdf_and_an_empty_file(
    page: Any, studio: Studio, account: dict[str, int]
) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + "/personas/new")
    page.get_by_label("Or choose files").set_input_files(
        [
            {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 binary"},
            {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""},
        ]
    )
    text = alert_text(page)
    assert "cv.pdf is a PDF" in text
    assert "empty.txt is empty" in text
    page.get_by_label("Persona name").fill("nothing")
    page.get_by_role("button", name="Create persona").click()
    page.get_by_role("alert").get_by_text("Paste a text you wrote").wait_for()
    # Too little text: the API's own message, in words.
    page.get_by_label("Paste texts you wrote").fill("Too short to be a voice.")
    page.get_by_role("button", name="Create persona").click()
    page.get_by_role("alert").get_by_text(re.compile("words", re.I)).wait_for()


def test_a_missing_persona_is_said_in_words(
    page: Any, studio: Studio, account: dict[str, int]
) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + "/personas/999999")
    assert "999999" in alert_text(page)


def test_history_of_a_missing_persona_is_said_in_words(
    page: Any, studio: Studio, account: dict[str, int]
) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + "/personas/999999/history")
    assert "999999" in alert_text(page)


def test_write_needs_a_brief(page: Any, studio: Studio, account: dict[str, int]) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + "/write")
    page.get_by_role("button", name="Write draft").click()
    assert "Write a brief" in alert_text(page)


def test_chat_needs_a_message(page: Any, studio: Studio, account: dict[str, int]) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + "/chat")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Send").click()
    assert "Write a message" in alert_text(page)


def test_strategy_reports_an_empty_engagement_file(
    page: Any, studio: Studio, account: dict[str, int]
) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + "/strategy")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Engagement export").set_input_files(
        [{"name": "engagement.csv", "mimeType": "text/csv", "buffer": b"   "}]
    )
    page.get_by_role("button", name="Import").click()
    assert "empty" in alert_text(page)


def test_universe_names_the_personas_it_cannot_place(
    page: Any, studio: Studio, account: dict[str, int]
) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + "/universe")
    page.get_by_text("Not placed (no measured voice): blank").wait_for()
    assert page.locator("#nearest li").count() == 2


def test_account_erasure_needs_the_email(
    page: Any, studio: Studio, account: dict[str, int]
) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + "/account")
    page.get_by_text(f"Signed in as {EMAIL}").wait_for()
    page.get_by_label("Type your e-mail to confirm").fill("someone@else.org")
    page.get_by_role("button", name="Erase my account").click()
    assert "Type your own e-mail" in alert_text(page)
    page.get_by_role("button", name="Create key").click()
    assert "Name the key" in alert_text(page)


def test_drafts_from_answers_and_a_card_import(
    page: Any, studio: Studio, account: dict[str, int]
) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(studio.url + "/personas/new")
    page.get_by_role("button", name="Draft three texts from my answers").click()
    assert "Answer at least one question" in alert_text(page)
    page.get_by_label("Business type").fill("bakery")
    page.get_by_role("button", name="Draft three texts from my answers").click()
    page.get_by_role("button", name="Use draft 2").click()
    assert page.get_by_label("Paste texts you wrote").input_value().strip()
    # A card that is not one is refused in words; a V2 card becomes a persona.
    page.locator("#card-file").set_input_files(
        [{"name": "card.json", "mimeType": "application/json", "buffer": b'{"spec": "nope"}'}]
    )
    alert_text(page)
    card = {
        "spec": "chara_card_v2",
        "spec_version": "2.0",
        "data": {"name": "Sera Vale", "description": "A lighthouse keeper.", "first_mes": "Hi."},
    }
    page.locator("#card-file").set_input_files(
        [{"name": "sera.json", "mimeType": "application/json", "buffer": json.dumps(card).encode()}]
    )
    page.wait_for_url(re.compile(r"/personas/\d+$"))
    page.get_by_role("heading", name="Sera Vale").wait_for()


def test_two_personas_side_by_side(page: Any, studio: Studio, account: dict[str, int]) -> None:
    first, second = list(account.values())[:2]
    sign_in_as(page, studio, EMAIL)
    page.goto(f"{studio.url}/write?persona={first}")
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    page.get_by_label("Side by side with").select_option(str(second))
    page.get_by_label("Brief").fill("What shipping weekly taught us")
    page.get_by_role("button", name="Write draft").click()
    page.wait_for_function("() => document.body.dataset.drafted === '1'")
    assert "shipped" in page.get_by_label("Second draft").input_value()
    assert page.locator("#rival-score").inner_text().endswith("%")


def test_a_group_conversation_addressed_by_name(
    page: Any, studio: Studio, account: dict[str, int]
) -> None:
    first, second = list(account.values())[:2]
    sign_in_as(page, studio, EMAIL)
    page.goto(f"{studio.url}/chat?persona={first}")
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    page.get_by_label("Group conversation").check()
    box = page.get_by_role("textbox", name="Message")
    replies = page.locator("#messages li.persona")

    def say(text: str, count: int) -> str:
        box.fill(text)
        page.get_by_role("button", name="Send").click()
        final = re.compile(rf"^\w+: .*You said: {re.escape(text)}$")  # the name comes last
        replies.nth(count - 1).get_by_text(final).wait_for()
        return str(replies.nth(count - 1).inner_text())

    assert say("hello both", 1).startswith("founder:")
    page.get_by_label("Persona", exact=True).select_option(str(second))
    assert say("and you?", 2).startswith("essayist:")
    assert say("@founder back to you", 3).startswith("founder:")


def test_a_persona_exports_as_a_card(page: Any, studio: Studio, account: dict[str, int]) -> None:
    first = next(iter(account.values()))
    sign_in_as(page, studio, EMAIL)
    page.goto(f"{studio.url}/personas/{first}")
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export card (JSON)").click()
    card = json.loads(Path(download.value.path()).read_text())
    assert card["spec"] == "chara_card_v2"
    with page.expect_download() as download:
        page.get_by_role("button", name="Export card (PNG)").click()
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_persona_page_says_whether_a_text_is_in_its_voice(
    page: Any, studio: Studio, account: dict[str, int]
) -> None:
    own, other = sample_writers()[:2]
    sign_in_as(page, studio, EMAIL)
    page.goto(f"{studio.url}/personas/{account[own.key]}")
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    result = page.locator("#verify-result")

    def check(text: str) -> float:
        page.get_by_label("Text to check").fill(text)
        page.get_by_role("button", name="Check the text").click()
        page.wait_for_function("() => document.querySelector('#verify-result').textContent")
        said = str(result.inner_text())
        assert "The other writers nearest it:" in said
        assert "(at even odds)" in said  # what the probability assumes beforehand
        return float(said.split("%")[0])

    assert check(own.held_out) > 50 > check(other.held_out)
    page.get_by_label("Text to check").fill("Too short to judge.")
    page.get_by_role("button", name="Check the text").click()
    assert "25 words" in alert_text(page)
    assert result.inner_text() == ""


def test_a_persona_without_a_voice_offers_no_check(
    page: Any, studio: Studio, account: dict[str, int]
) -> None:
    sign_in_as(page, studio, EMAIL)
    page.goto(f"{studio.url}/")
    page.get_by_role("link", name="blank").first.click()
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    assert re.search(r"/personas/\d+$", page.url)
    assert page.locator("h1").inner_text() == "blank"
    assert page.locator("#verify").count() == 1
    assert page.locator("#verify").is_hidden()
