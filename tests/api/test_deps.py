"""The unit of work: a write commits, then invalidates, and only then is answered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from personae.api.deps import AdminDep
from personae.cache import MemoryCache
from personae.store import Database, session_scope
from personae.store import User as UserRow
from tests.api.helpers import User, create_persona, error_of


@pytest.fixture
def events(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[str]]:
    """The order of commits, invalidations and response starts, as they happen."""
    seen: list[str] = []

    def on_commit(session: Session) -> None:
        seen.append("commit")

    event.listen(Session, "after_commit", on_commit)
    real_invalidate = MemoryCache.invalidate_prefix

    def invalidate_prefix(self: MemoryCache, prefix: str) -> None:
        seen.append("invalidate")
        real_invalidate(self, prefix)

    monkeypatch.setattr(MemoryCache, "invalidate_prefix", invalidate_prefix)
    inner = app.build_middleware_stack

    def recording_stack() -> Any:
        asgi = inner()

        async def recorded(scope: Any, receive: Any, send: Any) -> None:
            async def tracking(message: Any) -> None:
                if message["type"] == "http.response.start":
                    seen.append("response")
                await send(message)

            await asgi(scope, receive, tracking)

        return recorded

    monkeypatch.setattr(app, "build_middleware_stack", recording_stack)
    monkeypatch.setattr(app, "middleware_stack", None)  # rebuilt, recording, on the next call
    yield seen
    event.remove(Session, "after_commit", on_commit)


def test_a_write_is_committed_and_invalidated_before_it_is_answered(
    client: TestClient, alice: User, events: list[str]
) -> None:
    pid = create_persona(client, alice)["id"]
    events.clear()
    response = client.put(
        f"/api/personas/{pid}", json={"version": 1, "role": "x"}, headers=alice.headers
    )
    assert response.status_code == 200
    assert events == ["commit", "invalidate", "response"]


def test_a_failed_write_is_answered_without_commit_or_invalidation(
    client: TestClient, alice: User, events: list[str]
) -> None:
    pid = create_persona(client, alice)["id"]
    events.clear()
    response = client.put(
        f"/api/personas/{pid}", json={"version": 7, "role": "x"}, headers=alice.headers
    )
    assert response.status_code == 409
    assert events == ["response"]


def test_admin_routes_need_an_admin_the_store_confirms(
    app: FastAPI, alice: User, admin: User, db: Database
) -> None:
    @app.get("/admin-only")
    def admin_only(caller: AdminDep) -> dict[str, int]:
        return {"id": caller.id}

    with TestClient(app) as client:
        assert client.get("/admin-only", headers=admin.headers).json() == {"id": admin.id}
        denied = client.get("/admin-only", headers=alice.headers)
        assert denied.status_code == 403
        assert error_of(denied)["code"] == "permission_denied"
        with session_scope(db) as session:
            row = session.get(UserRow, admin.id)
            assert row is not None
            row.role = "user"
        assert client.get("/admin-only", headers=admin.headers).status_code == 403
