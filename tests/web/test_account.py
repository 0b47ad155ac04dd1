"""The account page end to end (keys shown once and revoked, export, erasure), the
history page's diff and rollback, and a sign-in that outlives its access token."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from personae.samples import sample_writers
from tests.web.conftest import Studio, sign_in_as


def test_keys_export_and_erasure(page: Any, studio: Studio) -> None:
    studio.register("keys@example.org")
    sign_in_as(page, studio, "keys@example.org")
    page.goto(studio.url + "/account")
    page.get_by_label("Name of a new key").fill("zapier")
    page.get_by_role("button", name="Create key").click()
    key = page.get_by_label("New API key")
    key.wait_for()
    assert key.input_value().startswith("pk_")
    page.get_by_role("button", name="Revoke key zapier").click()
    page.locator("#keys").get_by_text("revoked").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download export").click()
    archive = json.loads(Path(download.value.path()).read_text())
    assert "keys@example.org" in json.dumps(archive)
    page.get_by_label("Type your e-mail to confirm").fill("keys@example.org")
    page.get_by_role("button", name="Erase my account").click()
    page.wait_for_url(re.compile(r"/signin$"))


def test_history_diff_and_rollback(page: Any, studio: Studio) -> None:
    token = studio.register("history@example.org")["access_token"]
    writer = sample_writers()[0]
    persona = studio.call(
        "POST",
        "/api/personas",
        {"name": "h", "role": "First role", "writing_samples": list(writer.training)},
        token=token,
    )
    studio.call(
        "PUT", f"/api/personas/{persona['id']}", {"role": "Second role", "version": 1}, token=token
    )
    sign_in_as(page, studio, "history@example.org")
    page.goto(f"{studio.url}/personas/{persona['id']}/history")
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    page.get_by_role("button", name="Compare").click()
    row = page.locator("#diff tbody tr", has_text="role")
    row.wait_for()
    assert "First role" in row.inner_text()
    assert "Second role" in row.inner_text()
    page.get_by_role("button", name="Roll back to version 1").click()
    page.get_by_role("status").get_by_text("version 3 equals version 1").wait_for()


def test_an_expired_access_token_is_refreshed(page: Any, studio: Studio) -> None:
    studio.register("refresh@example.org")
    sign_in_as(page, studio, "refresh@example.org")
    # The page thinks its access token expired a minute ago: it refreshes before calling.
    page.evaluate(
        """() => {
            const t = JSON.parse(sessionStorage.getItem("personae.tokens"));
            t.expiresAt = Date.now() - 60000;
            sessionStorage.setItem("personae.tokens", JSON.stringify(t));
        }"""
    )
    old = page.evaluate("JSON.parse(sessionStorage.getItem('personae.tokens')).refresh")
    page.goto(studio.url + "/account")
    page.get_by_text("Signed in as refresh@example.org").wait_for()
    assert page.evaluate("JSON.parse(sessionStorage.getItem('personae.tokens')).refresh") != old


def test_feedback_with_an_edited_text_makes_a_new_version(page: Any, studio: Studio) -> None:
    token = studio.register("feedback@example.org")["access_token"]
    writer = sample_writers()[0]
    body = {"name": "f", "role": "Founder", "writing_samples": list(writer.training)}
    persona = studio.call("POST", "/api/personas", body, token=token)
    sign_in_as(page, studio, "feedback@example.org")
    page.goto(f"{studio.url}/personas/{persona['id']}/history")
    page.wait_for_function("() => document.body.dataset.ready !== undefined")
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_role("alert").get_by_text("Choose a rating").wait_for()
    page.get_by_label("Rating").select_option("4")
    page.get_by_label("Corrected text").fill(writer.held_out)
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_role("status").get_by_text("now version 2").wait_for()
    assert page.locator("#timeline li").count() == 2
