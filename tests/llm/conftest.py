"""Fixtures of the LLM tests: one fake provider server per session, reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.llm.servers import FakeProviderServer, serve


@pytest.fixture(scope="session")
def _provider_server() -> Iterator[FakeProviderServer]:
    yield from serve(FakeProviderServer())


@pytest.fixture
def server(_provider_server: FakeProviderServer) -> FakeProviderServer:
    """The running fake server, with an empty plan and log."""
    _provider_server.reset()
    return _provider_server
