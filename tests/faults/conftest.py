"""The API fixtures (an app on a fresh SQLite and, when configured, PostgreSQL database)."""

from __future__ import annotations

from tests.api.conftest import (
    alice,
    app,
    bob,
    client,
    make_user,
    password_hash,
    settings,
)

__all__ = ["alice", "app", "bob", "client", "make_user", "password_hash", "settings"]
