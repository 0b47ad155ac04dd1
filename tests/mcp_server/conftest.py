"""The MCP tests share the real server of the ``/v1`` tests (see ``tests/v1/conftest.py``)."""

from __future__ import annotations

from tests.v1.conftest import ada, api_key, served

__all__ = ["ada", "api_key", "served"]
