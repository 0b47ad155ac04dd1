"""The budget tests run on the API's fixtures (users, settings) and the /v1 server."""

from __future__ import annotations

from tests.api.conftest import alice, bob, make_user, password_hash, settings

__all__ = ["alice", "bob", "make_user", "password_hash", "settings"]
