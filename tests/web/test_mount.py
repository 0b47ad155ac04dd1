"""The studio's mount, without a browser: pages and /docs served from the package (nothing
from another host), gzip, the page security policy, and the studio's JSON routes'
authentication and validation."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.config import Settings
from personae.samples import sample_writers
from personae.web._pages import BOOT, BOOT_HASH, CSP
from tests.api.helpers import User, create_persona, error_of

STATIC = Path(__file__).resolve().parents[2] / "src" / "personae" / "web" / "static"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


PAGES = [
    "/",
    "/signin",
    "/personas/new",
    "/personas/1",
    "/personas/1/history",
    "/write",
    "/chat",
    "/strategy",
    "/universe",
    "/account",
    "/library",
    "/library/1",
    "/calendar",
    "/experiments",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_local_and_locked_to_this_origin(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert '<main id="main"' in response.text
    for url in re.findall(r'(?:src|href)="([^"]+)"', response.text):
        if url.startswith("data:image/svg+xml;base64,"):  # the icon, inline
            continue
        assert url.startswith(("/", "#")), url
        assert not url.startswith("//"), url
        if url.startswith("/static/"):
            assert client.get(url).status_code == 200, url


def test_the_one_inline_script_is_the_boot_script_allowed_by_its_hash(client: TestClient) -> None:
    page = client.get("/personas/7/history?persona=../../api/account").text
    inline = re.findall(r"<script data-prefetch='([^']*)'>(.*?)</script>", page, re.S)
    assert len(inline) == 1
    assert inline[0][1] == BOOT
    assert f"'sha256-{BOOT_HASH}'" in CSP
    urls = json.loads(html.unescape(inline[0][0]))
    assert urls == ["/api/personas/7", "/api/personas/7/versions", "/api/personas/7/labels"]
    # Only ids from the address reach the list: nothing else is fetched early.
    strategy = client.get("/strategy?persona=1%2F..%2Faccount").text
    assert "/api/v1/strategy/" not in strategy
    assert "data-prefetch" not in client.get("/signin").text


def test_docs_load_swagger_from_the_package(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "cdn.jsdelivr.net" not in page
    assert "https://" not in page.replace("https://fastapi", "")
    for asset in re.findall(r"(/static/[^'\"]+)", page):
        assert client.get(asset).status_code == 200, asset


def test_large_answers_are_gzipped(client: TestClient) -> None:
    response = client.get(
        "/static/vendor/chartjs/chart.umd.min.js", headers={"Accept-Encoding": "gzip"}
    )
    assert response.headers["content-encoding"] == "gzip"


def test_every_vendored_file_is_recorded() -> None:
    record = (STATIC / "vendor" / "VENDORED.md").read_text()
    for path in (STATIC / "vendor").rglob("*.js"):
        assert path.name in record, path


def test_voice_needs_a_measured_persona_of_yours(
    client: TestClient, alice: User, bob: User
) -> None:
    writer = sample_writers()[0]
    measured = create_persona(client, alice, name="w", writing_samples=list(writer.training))
    blank = create_persona(client, alice, name="blank")
    response = client.get(f"/api/studio/personas/{measured['id']}/voice", headers=alice.headers)
    assert response.status_code == 200
    voice = response.json()["data"]["voice"]
    assert voice["samples"] == len(writer.training)
    assert len(voice["function_words"]) == 15
    bins = voice["sentence_lengths"]
    assert [b["label"] for b in bins][:2] == ["1-3", "4-6"]
    assert sum(b["count"] for b in bins) > 0
    assert sum(b["share"] for b in bins) == pytest.approx(1.0)
    assert (
        client.get(f"/api/studio/personas/{measured['id']}/voice", headers=bob.headers).status_code
        == 404
    )
    assert client.get(f"/api/studio/personas/{measured['id']}/voice").status_code == 401
    error = error_of(client.get(f"/api/studio/personas/{blank['id']}/voice", headers=alice.headers))
    assert "no measured voice" in error["message"]


def test_engagement_file_is_read_row_by_row(client: TestClient, alice: User, bob: User) -> None:
    creator = create_persona(client, alice, name="c")["id"]
    csv = (
        "external_id,content_id,platform,occurred_at,likes\n"
        "e1,p1,linkedin,2026-11-02T09:30:00Z,4\n"
        "e2,p1,linkedin,yesterday,4\n"
    )
    url = f"/api/studio/engagement?creator_id={creator}&format=csv"
    headers = {**alice.headers, "Content-Type": "text/csv"}
    report = client.post(url, content=csv, headers=headers).json()["data"]
    assert (report["received"], report["inserted"], len(report["rejected"])) == (2, 1, 1)
    assert report["rejected"][0]["row"] == 3
    again = client.post(url, content=csv, headers=headers).json()["data"]
    assert again["inserted"] == 0
    assert again["unchanged"] == 1
    assert (
        client.post(
            url, content=csv, headers={**bob.headers, "Content-Type": "text/csv"}
        ).status_code
        == 404
    )
    assert "empty" in error_of(client.post(url, content=b"", headers=headers))["message"]
    assert client.post(url, content=b"\xff\xfe\x00bad", headers=headers).status_code == 422


def test_current_strategy_is_null_until_one_is_made(
    client: TestClient, alice: User, bob: User
) -> None:
    creator = create_persona(client, alice, name="s")["id"]
    url = f"/api/studio/strategy/{creator}/current"
    none_yet = client.get(url, headers=alice.headers)
    assert (none_yet.status_code, none_yet.json()["data"]) == (200, None)
    made = client.post(
        "/api/v1/strategy/generate", json={"creator_id": creator}, headers=alice.headers
    ).json()["data"]
    current = client.get(url, headers=alice.headers).json()["data"]
    assert current["strategy"] == made["strategy"]
    assert (
        current
        == client.get(f"/api/v1/strategy/{creator}/current", headers=alice.headers).json()["data"]
    )
    assert client.get(url, headers=bob.headers).status_code == 404
    assert client.get(url).status_code == 401
    assert (
        client.get("/api/studio/strategy/999999/current", headers=alice.headers).status_code == 404
    )
    assert client.get("/api/studio/strategy/0/current", headers=alice.headers).status_code == 422


def test_universe_places_measured_voices(client: TestClient, alice: User) -> None:
    for writer in sample_writers():
        create_persona(client, alice, name=writer.key, writing_samples=list(writer.training))
    create_persona(client, alice, name="blank")
    data = client.get("/api/studio/universe", headers=alice.headers).json()["data"]
    assert {p["name"] for p in data["points"]} == {w.key for w in sample_writers()}
    assert data["unmeasured"] == ["blank"]
    assert 0 < sum(data["explained"]) <= 1.0 + 1e-9
    assert all(len(p["nearest"]) == 2 for p in data["points"])


def test_marks_point_at_the_long_sentence(client: TestClient, alice: User, bob: User) -> None:
    founder = sample_writers()[0]
    persona = create_persona(client, alice, name="m", writing_samples=list(founder.training))
    long = (
        "Moreover, notwithstanding the aforementioned considerations, one must acknowledge "
        "that the organisation's deliberately comprehensive approach, which encompassed "
        "numerous stakeholders, was, in hindsight, extraordinarily elaborate and slow."
    )
    text = f"We shipped it on Tuesday. It took two weeks. {long} Next week we measure."
    url = f"/api/studio/personas/{persona['id']}/marks"
    marks = client.post(url, json={"text": text}, headers=alice.headers).json()["data"]
    assert [text[m["start"] : m["end"]] for m in marks] == [long]
    assert marks[0]["kind"] == "long_sentence"
    assert client.post(url, json={"text": text}, headers=bob.headers).status_code == 404
    assert client.post(url, json={"text": "Too short."}, headers=alice.headers).status_code == 422


def test_the_suggested_time_is_what_scheduling_picks(
    client: TestClient, alice: User, bob: User
) -> None:
    writer = sample_writers()[0]
    persona = create_persona(client, alice, name="w", writing_samples=list(writer.training))
    draft = {"persona_id": persona["id"], "platform": "linkedin", "text": "We shipped it."}
    piece = client.post("/api/content", json=draft, headers=alice.headers).json()["data"]["id"]
    path = f"/api/studio/content/{piece}/suggested-time"
    response = client.get(path, headers=alice.headers)
    assert response.status_code == 200
    suggested = response.json()["data"]
    scheduled = client.post(
        f"/api/content/{piece}/schedule", json={}, headers=alice.headers
    ).json()["data"]
    assert scheduled["scheduled_at"] == suggested["at"]
    assert suggested["hour"] == int(suggested["at"][11:13])
    assert client.get(path, headers=bob.headers).status_code == 404
    assert client.get(path).status_code == 401
    assert (
        client.get("/api/studio/content/0/suggested-time", headers=alice.headers).status_code == 422
    )


def test_static_files_are_served_from_memory_and_only_from_the_folder(tmp_path: Path) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from personae.web._static import PackedStatic

    (tmp_path / "js").mkdir()
    script = tmp_path / "js" / "page.js"
    script.write_text("const answer = 42;\n" * 200)
    (tmp_path.parent / "secret.txt").write_text("outside")
    app = Starlette(routes=[Mount("/static", PackedStatic(tmp_path))])
    with TestClient(app) as client:
        first = client.get("/static/js/page.js", headers={"Accept-Encoding": "gzip"})
        assert first.status_code == 200
        assert first.headers["content-type"] == "text/javascript; charset=utf-8"
        assert first.headers["content-encoding"] == "gzip"
        assert first.text == script.read_text()
        etag = first.headers["etag"]
        again = client.get("/static/js/page.js", headers={"If-None-Match": etag})
        assert again.status_code == 304
        head = client.head("/static/js/page.js", headers={"Accept-Encoding": "identity"})
        assert head.status_code == 200
        assert head.headers["content-length"] == str(len(script.read_bytes()))
        assert client.post("/static/js/page.js").status_code == 405
        # An edited file is read again.
        script.write_text("const answer = 43;\n")
        edited = client.get("/static/js/page.js", headers={"If-None-Match": etag})
        assert edited.status_code == 200
        assert edited.text == "const answer = 43;\n"
        for outside in ("/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/js"):
            assert client.get(outside).status_code == 404, outside


def test_the_icon_is_inline_and_is_the_packaged_file(client: TestClient) -> None:
    """Inline, so moving between pages asks for nothing but the next page's data."""
    page = client.get("/").text
    icon = re.search(r'<link rel="icon" href="data:image/svg\+xml;base64,([^"]+)"', page)
    assert icon is not None
    assert base64.b64decode(icon.group(1)) == (STATIC / "favicon.svg").read_bytes()
