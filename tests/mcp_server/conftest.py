"""The MCP tests share the real server of the ``/v1`` tests (see ``tests/v1/conftest.py``)."""

from __future__ import annotations

from tests.v1.conftest import ada, alice, api_key, bob, make_user, password_hash, served, settings

__all__ = ["ada", "alice", "api_key", "bob", "make_user", "password_hash", "served", "settings"]
