"""The content library over HTTP: CRUD, search, pages, calendar, feed, publishing."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from personae.content import DueScheduler
from tests.api.helpers import User, create_persona, error_of
from tests.content.conftest import Receiver


def _keep(client: TestClient, user: User, persona_id: int, text: str) -> dict[str, Any]:
    body = {"persona_id": persona_id, "platform": "linkedin", "text": text, "brief": "b"}
    response = client.post("/api/content", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def test_pieces_are_listed_searched_paged_and_owner_scoped(
    client: TestClient, alice: User, bob: User
) -> None:
    pid = create_persona(client, alice)["id"]
    ids = [_keep(client, alice, pid, f"Post {n}: shipping notes")["id"] for n in range(3)]
    page = client.get("/api/content?limit=2", headers=alice.headers).json()["data"]
    assert [p["id"] for p in page["items"]] == ids[::-1][:2]
    assert (page["total"], page["next_offset"]) == (3, 2)
    found = client.get("/api/content", params={"q": "post 1"}, headers=alice.headers)
    assert [p["id"] for p in found.json()["data"]["items"]] == [ids[1]]
    assert client.get("/api/content", headers=bob.headers).json()["data"]["total"] == 0
    assert client.get(f"/api/content/{ids[0]}", headers=bob.headers).status_code == 404
    assert client.post(f"/api/content/{ids[0]}/approve", headers=bob.headers).status_code == 404
    other = create_persona(client, bob, name="bobs")["id"]
    refused = client.post(
        "/api/content",
        json={"persona_id": other, "platform": "linkedin", "text": "x"},
        headers=alice.headers,
    )
    assert refused.status_code == 404
    bad = client.get("/api/content?status=lost", headers=alice.headers)
    assert bad.status_code == 422
    edited = client.patch(
        f"/api/content/{ids[0]}", json={"text": "Better words."}, headers=alice.headers
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["edits"][0]["before"] == "Post 0: shipping notes"
    assert client.post(f"/api/content/{ids[0]}/archive", headers=alice.headers).status_code == 200
    again = client.patch(f"/api/content/{ids[0]}", json={"text": "x"}, headers=alice.headers)
    assert again.status_code == 409
    assert error_of(again)["code"] == "conflict"
    assert client.get("/api/content/0", headers=alice.headers).status_code == 422
    assert client.get("/api/content", headers={}).status_code == 401


def test_calendar_feed_and_webhook_publishing_by_the_job_runner(
    client: TestClient, alice: User, bob: User, receiver: Receiver
) -> None:
    pid = create_persona(client, alice)["id"]
    piece = _keep(client, alice, pid, "Our launch post.")
    hook = {"name": "hook", "kind": "webhook", "url": receiver.url, "secret": "s" * 20}
    saved = client.post("/api/content/publishers", json=hook, headers=alice.headers)
    assert saved.status_code == 201
    assert "secret" not in saved.json()["data"]
    at = datetime.now(UTC) + timedelta(seconds=1)
    scheduled = client.post(
        f"/api/content/{piece['id']}/schedule",
        json={"at": at.isoformat(), "publisher": "hook"},
        headers=alice.headers,
    )
    assert scheduled.status_code == 200, scheduled.text
    window = {
        "from": (at - timedelta(hours=1)).isoformat(),
        "to": (at + timedelta(hours=1)).isoformat(),
    }
    shown = client.get("/api/content/calendar", params=window, headers=alice.headers)
    assert [p["id"] for p in shown.json()["data"]] == [piece["id"]]
    assert (
        client.get("/api/content/calendar", params=window, headers=bob.headers).json()["data"] == []
    )
    feed = client.post("/api/content/calendar/feed", headers=alice.headers).json()["data"]
    ics = client.get(feed["url"])
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert f"UID:content-{piece['id']}@" in ics.text
    assert (
        client.get("/api/content/calendar/feed.ics", params={"token": "x" * 30}).status_code == 401
    )
    time.sleep(1.1)
    state = client.app.state.personae  # type: ignore[attr-defined]
    jobs = DueScheduler(state.database, state.jobs).tick()
    assert len(jobs) == 1
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{jobs[0]}", headers=alice.headers).json()["data"]
        if job["status"] in {"succeeded", "failed"}:
            break
        time.sleep(0.05)
    assert job["status"] == "succeeded", job
    assert job["result"]["published"] == [piece["id"]]
    detail = client.get(f"/api/content/{piece['id']}", headers=alice.headers).json()["data"]
    assert detail["status"] == "published"
    assert detail["external_id"] == f"personae-{piece['id']}"
    assert len(receiver.requests) == 1
    assert receiver.requests[0][0]["X-Personae-Signature"].startswith("sha256=")


def test_engagement_upload_links_rows_and_refuses_a_file_of_nothing(
    client: TestClient, alice: User
) -> None:
    pid = create_persona(client, alice)["id"]
    piece = _keep(client, alice, pid, "Shipped.")
    done = client.post(
        f"/api/content/{piece['id']}/publish",
        json={"external_id": "urn:li:activity:7001"},
        headers=alice.headers,
    )
    assert done.status_code == 200, done.text
    export = (Path(__file__).parent / "data" / "linkedin_posts.csv").read_text()
    body = {"csv": export, "settle": True}
    imported = client.post("/api/content/engagement", json=body, headers=alice.headers)
    assert imported.status_code == 200, imported.text
    data = imported.json()["data"]
    assert (data["imported"], data["rejected_rows"]) == (1, 2)
    assert data["settled"][0]["piece_id"] == piece["id"]
    nothing = client.post(
        "/api/content/engagement",
        json={"csv": "Post link,Impressions\nhttps://nowhere/1,5\n"},
        headers=alice.headers,
    )
    assert nothing.status_code == 422
    assert "could be imported" in error_of(nothing)["message"]


def test_engagement_import_takes_the_export_as_a_file_upload(
    client: TestClient, alice: User
) -> None:
    """The same import as the JSON form, from a multipart upload (a browser's file input,
    ``curl -F file=@export.csv``), with its options as form fields."""
    pid = create_persona(client, alice)["id"]
    piece = _keep(client, alice, pid, "Shipped.")
    client.post(
        f"/api/content/{piece['id']}/publish",
        json={"external_id": "urn:li:activity:7001"},
        headers=alice.headers,
    )
    export = (Path(__file__).parent / "data" / "linkedin_posts.csv").read_bytes()
    imported = client.post(
        "/api/content/engagement",
        files={"file": ("linkedin_posts.csv", b"\xef\xbb\xbf" + export, "text/csv")},
        data={"settle": "true", "format": "linkedin", "mapping": ["reach=Members reached"]},
        headers=alice.headers,
    )
    assert imported.status_code == 200, imported.text
    data = imported.json()["data"]
    assert (data["format"], data["imported"], data["rejected_rows"]) == ("linkedin", 1, 2)
    assert data["columns"]["reach"] == "Members reached"
    assert data["settled"][0]["piece_id"] == piece["id"]
    binary = client.post(
        "/api/content/engagement",
        files={"file": ("export.xlsx", b"PK\x03\x04\xff\xfe\x00binary", "application/zip")},
        headers=alice.headers,
    )
    assert binary.status_code == 422
    assert "not UTF-8" in error_of(binary)["message"]
    no_file = client.post(
        "/api/content/engagement", data={"settle": "true"}, files={}, headers=alice.headers
    )
    assert no_file.status_code == 422
    bad_format = client.post(
        "/api/content/engagement",
        files={"file": ("e.csv", export, "text/csv")},
        data={"format": "myspace"},
        headers=alice.headers,
    )
    assert bad_format.status_code == 422
    assert (
        client.post("/api/content/engagement", content=b"{", headers=alice.headers).status_code
        == 422
    )
