"""Fixtures for the persona tests: the bundled writers, their voices, a fake platform."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from personae.persona import register_platform, unregister_platform
from personae.samples import SampleWriter, sample_writers
from personae.style import StyleProfile
from tests.persona.fakes import Strict


@pytest.fixture(scope="session")
def writers() -> list[SampleWriter]:
    return sample_writers()


@pytest.fixture(scope="session")
def profiles(writers: list[SampleWriter]) -> dict[str, StyleProfile]:
    """Each bundled writer's voice, built from their training texts, by writer key."""
    return {w.key: StyleProfile.from_texts(w.training, name=w.name) for w in writers}


@pytest.fixture
def strict_platform() -> Iterator[Strict]:
    """A fake platform registered for one test (emoji, link and tag rules), then removed."""
    platform = Strict()
    register_platform(platform)
    try:
        yield platform
    finally:
        unregister_platform(platform.name)
