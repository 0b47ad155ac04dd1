"""The whole journey a writer takes in the studio, in one browser tab, as the issue lists it:
register → create a persona from samples → see the fingerprint charts → write a LinkedIn
post, edit it, watch the score change → find it in the content library, approve it,
schedule it at the suggested hour, publish it by hand, import its engagement by the post's
id and see its reward (issue 17) → chat → move the ``production`` label → import
engagement → see a recommendation."""

from __future__ import annotations

import re
from typing import Any

from personae.samples import sample_writers
from tests.web.conftest import Studio, screenshot

ENGAGEMENT_CSV = (
    "external_id,content_id,platform,occurred_at,published_at,likes,comments,shares,impressions,"
    "audience_member_id\n"
    "e1,post-1,linkedin,2026-11-02T09:30:00Z,2026-11-02T08:00:00Z,40,6,3,900,m1\n"
    "e2,post-1,linkedin,2026-11-02T12:10:00Z,2026-11-02T08:00:00Z,12,1,0,300,m2\n"
    "e3,post-2,linkedin,2026-11-05T17:45:00Z,2026-11-05T17:00:00Z,55,9,7,1200,m1\n"
    "e4,post-2,linkedin,not-a-date,2026-11-05T17:00:00Z,1,0,0,10,m3\n"
)


PIECE_CSV = "external_id,likes,comments,shares,impressions\nurn:li:activity:4242,30,4,2,800\n"
"""The generic analytics export of the published post: no strategy id, only the post's id."""


def _score(page: Any) -> float:
    return float(page.evaluate("() => document.getElementById('score').value"))


def test_a_writer_goes_from_sign_up_to_a_recommendation(page: Any, studio: Studio) -> None:
    founder = next(w for w in sample_writers() if w.key == "founder")
    # Register.
    page.goto(studio.url + "/")
    page.wait_for_url(re.compile(r"/signin\?next="))
    page.get_by_label("E-mail").nth(1).fill("journey@example.org")
    page.locator("#register-password").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(studio.url + "/")
    page.get_by_text("You have no persona yet").wait_for()

    # Create a persona from pasted samples and an uploaded file; watch the job.
    page.get_by_role("link", name="New persona").click()
    page.get_by_label("Persona name").fill("founder")
    page.get_by_label("Your name").fill(founder.name)
    page.get_by_label("Tone you aim for").fill("candid")
    page.get_by_label("Paste texts you wrote").fill("\n---\n".join(founder.training[:3]))
    page.get_by_label("Or choose files").set_input_files(
        [
            {
                "name": "founder-4.md",
                "mimeType": "text/markdown",
                "buffer": founder.training[3].encode(),
            }
        ]
    )
    page.locator("#file-list").get_by_text("founder-4.md:").wait_for()
    page.get_by_role("button", name="Create persona").click()
    page.wait_for_url(re.compile(r"/personas/\d+$"), timeout=60_000)
    persona_id = int(page.url.rsplit("/", 1)[1])

    # The fingerprint as pictures.
    page.locator("#confidence-basis").get_by_text("Measured from 4 samples").wait_for()
    page.wait_for_function("() => document.body.dataset.charted !== undefined")
    for canvas in ("chart-sentences", "chart-function", "chart-punctuation", "chart-pronouns"):
        drawn = page.evaluate("id => !!window.Chart.getChart(document.getElementById(id))", canvas)
        assert drawn, canvas
    assert page.locator("#dimensions tbody tr").count() >= 10
    assert re.match(
        r"[\d,]+ sentences; most often \d+-\d+ words",
        page.locator("#sentences-summary").inner_text(),
    )
    assert re.fullmatch(r"[\d.]+%", page.locator("#confidence-value").inner_text())
    assert "Samples agree with each other" in page.locator("#confidence-parts").inner_text()
    screenshot(page, "journey-persona")

    # Write a LinkedIn post: streamed, then scored; an edit changes the score.
    page.get_by_role("link", name="Write as this persona").click()
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    assert page.get_by_label("Platform").input_value() == "linkedin"
    page.get_by_label("Brief").fill("Why we cut three features to ship the billing page")
    page.get_by_role("button", name="Write draft").click()
    page.wait_for_function("() => document.body.dataset.drafted === '1'", timeout=60_000)
    page.wait_for_function("() => /%$/.test(document.getElementById('score-value').textContent)")
    first = _score(page)
    assert "shipped" in page.get_by_label("Draft text").input_value()
    assert page.locator("#checks li").count() > 0
    measured = page.evaluate("document.body.dataset.measured")
    page.get_by_label("Draft text").press("End")
    page.get_by_label("Draft text").type(
        " Moreover, notwithstanding the aforementioned considerations, one must acknowledge "
        "that the organisation's multifaceted, deliberately comprehensive approach to "
        "revenue, which encompassed numerous stakeholders, was, in hindsight, extraordinarily "
        "elaborate; nevertheless, it was ultimately, and perhaps inevitably, successful!",
        delay=0,
    )
    page.wait_for_function(f"() => document.body.dataset.measured !== '{measured}'")
    page.wait_for_function("() => /%$/.test(document.getElementById('score-value').textContent)")
    assert _score(page) != first
    assert page.locator("#suggestions li").count() > 0
    long = page.locator("#marked mark.long_sentence")
    long.first.wait_for()
    assert "notwithstanding" in long.last.inner_text()
    screenshot(page.locator(".studio"), "journey-write")

    # The post is kept in the library: the edits saved to it; approved, scheduled at the
    # suggested hour, published by hand, its engagement imported by the post's id.
    page.get_by_role("button", name="Save my edits to the piece").click()
    page.get_by_role("status").get_by_text("Your edits are saved").wait_for()
    piece = page.locator("#kept-text").get_by_role("link").inner_text().removeprefix("piece ")
    page.get_by_role("link", name="Library").click()
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    page.get_by_role("link", name=re.compile(rf"^Piece {piece}: Why we cut three features")).click()
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    assert "notwithstanding" in page.get_by_label("Text of the piece").input_value()
    assert "edited in the studio" in page.locator("#edits").inner_text()
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("heading", name=f"Piece {piece}: approved").wait_for()
    page.locator("#suggested").get_by_text("Suggested:").wait_for()
    page.get_by_role("button", name="Schedule").click()
    page.get_by_role("heading", name=f"Piece {piece}: scheduled").wait_for()
    page.get_by_label("The post's id on the platform").fill("urn:li:activity:4242")
    page.get_by_role("button", name="Mark as published").click()
    page.get_by_role("heading", name=f"Piece {piece}: published").wait_for()
    screenshot(page, "journey-piece")
    page.get_by_role("link", name="Back to the library").click()
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    page.get_by_label("Analytics export (.csv)").set_input_files(
        [{"name": "linkedin.csv", "mimeType": "text/csv", "buffer": PIECE_CSV.encode()}]
    )
    page.get_by_label("Reward the pieces now").check()
    page.get_by_role("button", name="Import engagement").click()
    page.locator("#import-report").get_by_text(f"linked to pieces {piece}").wait_for()
    assert f"Rewarded: piece {piece}" in page.locator("#import-report").inner_text()
    page.get_by_role("link", name=re.compile(rf"^Piece {piece}:")).click()
    page.locator("#facts").get_by_text(re.compile(r"^-?\d+\.\d{3} \(settled")).wait_for()

    # Chat, streamed over the WebSocket; the memory panel follows.
    page.get_by_role("link", name="Chat").click()
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    page.get_by_role("textbox", name="Message").fill("I am learning Portuguese")
    page.get_by_role("button", name="Send").click()
    page.locator("#messages li.persona").get_by_text(
        "You said: I am learning Portuguese"
    ).wait_for()
    page.get_by_role("textbox", name="Message").fill("For a move to Porto")
    page.get_by_role("button", name="Send").click()
    page.locator("#messages li.persona").get_by_text("You said: For a move to Porto").wait_for()
    page.locator("#hygiene").get_by_text("Memories").wait_for()
    screenshot(page, "journey-chat")
    # The person deletes what the persona remembered.
    page.get_by_role("button", name="Forget: The user is learning Portuguese").click()
    page.locator("#memories").get_by_text("Nothing remembered yet.").wait_for()

    # Move the production label.
    page.goto(f"{studio.url}/personas/{persona_id}/history")
    page.get_by_role("button", name="Make version 1 production").click()
    page.get_by_role("status").get_by_text("production now points at version 1").wait_for()
    assert "production" in page.locator("#labels").inner_text()

    # Import engagement (row by row) and get a recommendation.
    page.goto(f"{studio.url}/strategy?persona={persona_id}")
    page.get_by_label("Engagement export").set_input_files(
        [{"name": "engagement.csv", "mimeType": "text/csv", "buffer": ENGAGEMENT_CSV.encode()}]
    )
    page.get_by_role("button", name="Import").click()
    report = page.locator("#import-report")
    report.get_by_text("4 rows read; 3 new").wait_for()
    assert "1 rejected" in report.inner_text()
    assert report.locator("tbody tr").count() == 1
    page.get_by_role("button", name="Recommend a strategy").click()
    page.locator("#recommendation").get_by_text("Why:").wait_for()
    assert page.locator("#recommendation").get_by_text("Confidence").count() == 1
    screenshot(page, "journey-strategy")
