"""The platform registry: entry points, the built-in fallback, plugins, names and errors."""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint, entry_points

import pytest

from personae.errors import NotFoundError, UnknownPlatformError
from personae.persona import (
    available_platforms,
    get_platform,
    register_platform,
    unregister_platform,
)
from personae.persona.platforms import (
    BUILTIN_PLATFORMS,
    ENTRY_POINT_GROUP,
    LinkedIn,
    PlatformRegistry,
    X,
)
from tests.persona.fakes import BadName, NoConstraints, Strict

BUILTINS = ["blog", "facebook", "instagram", "linkedin", "x"]


def _point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def test_the_installed_metadata_declares_the_built_ins() -> None:
    declared = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert {name: declared.get(name) for name in BUILTIN_PLATFORMS} == BUILTIN_PLATFORMS


def test_built_ins_load_from_entry_points() -> None:
    points = [_point(name, value) for name, value in BUILTIN_PLATFORMS.items()]
    registry = PlatformRegistry(entry_points=lambda: points, builtins={})
    assert registry.names() == BUILTINS
    assert isinstance(registry.get("x"), X)


def test_built_ins_work_when_the_metadata_is_stale() -> None:
    registry = PlatformRegistry(entry_points=lambda: [])
    assert registry.names() == BUILTINS


def test_a_plugin_from_an_entry_point_is_added() -> None:
    registry = PlatformRegistry(
        entry_points=lambda: [_point("strict", "tests.persona.fakes:Strict")]
    )
    assert registry.names() == sorted([*BUILTINS, "strict"])
    assert isinstance(registry.get("STRICT"), Strict)
    assert isinstance(registry.get("strict-alias"), Strict)


@pytest.mark.parametrize(
    ("point", "why"),
    [
        (_point("broken", "tests.persona.no_such_module:Thing"), "failed to load"),
        (_point("nothing", "tests.persona.fakes:NOT_A_PLATFORM"), "is not a Platform"),
        (_point("strict", "tests.persona.fakes:Misnamed"), "is named 'misnamed'"),
        (_point("linkedin", "tests.persona.fakes:Strict"), "is named 'strict'"),
        (_point("my platform", "tests.persona.fakes:BadName"), "is not a platform name"),
        (_point("empty", "tests.persona.fakes:NoConstraints"), "sets no PlatformConstraints"),
    ],
)
def test_a_bad_plugin_is_skipped_with_a_warning(
    point: EntryPoint, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    registry = PlatformRegistry(entry_points=lambda: [point])
    with caplog.at_level(logging.WARNING, logger="personae.persona"):
        assert registry.names() == BUILTINS
    assert why in caplog.text


def test_a_plugin_cannot_shadow_a_built_in(caplog: pytest.LogCaptureFixture) -> None:
    class FakeLinkedIn(LinkedIn):
        description = "an impostor"

    registry = PlatformRegistry(entry_points=lambda: [])
    with pytest.raises(ValueError, match="already registered"):
        registry.register(FakeLinkedIn())
    assert registry.get("linkedin").description != "an impostor"
    registry.register(FakeLinkedIn(), replace=True)  # on purpose, from code
    assert registry.get("linkedin").description == "an impostor"


def test_register_refuses_what_could_not_be_served() -> None:
    registry = PlatformRegistry(entry_points=lambda: [])
    with pytest.raises(ValueError, match="not a platform name"):
        registry.register(BadName())
    with pytest.raises(ValueError, match="no PlatformConstraints"):
        registry.register(NoConstraints())


def test_register_and_unregister() -> None:
    registry = PlatformRegistry(entry_points=lambda: [])
    registry.register(Strict())
    assert "strict" in registry.names()
    with pytest.raises(ValueError, match="already registered"):
        registry.register(Strict())
    registry.unregister("STRICT")
    assert "strict" not in registry.names()
    with pytest.raises(UnknownPlatformError):
        registry.get("strict-alias")  # the alias went with it
    registry.unregister("never-was")  # ignored


def test_get_platform_is_case_insensitive_and_knows_aliases() -> None:
    assert get_platform("LinkedIn") is get_platform(" linkedin ")
    assert get_platform("Twitter") is get_platform("x")


def test_an_unknown_platform_is_a_not_found_error_listing_the_known() -> None:
    with pytest.raises(UnknownPlatformError) as caught:
        get_platform("myspace")
    error = caught.value
    assert isinstance(error, NotFoundError)
    assert error.code == "unknown_platform"
    assert error.details["platform"] == "myspace"
    assert error.details["known"] == [p.name for p in available_platforms()]
    assert "linkedin" in error.message


def test_the_default_registry_takes_plugins_from_code() -> None:
    platform = Strict()
    register_platform(platform)
    try:
        assert get_platform("strict") is platform
        assert "strict" in [p.name for p in available_platforms()]
    finally:
        unregister_platform("strict")
    with pytest.raises(UnknownPlatformError):
        get_platform("strict")
