"""The platform registry: plugins found through the ``personae.platforms`` entry-point group.

Every platform, the built-in ones included, is declared as an entry point::

    [project.entry-points."personae.platforms"]
    linkedin = "personae.persona.platforms.linkedin:LinkedIn"

The entry point names a :class:`~personae.persona.platforms.Platform` subclass (or an
instance); its name must equal the platform's ``name``. A third-party package adds a
platform by declaring one more entry point in its own metadata; nothing in personae
changes.

The registry loads lazily, once, on first use. Built-ins come first: when installed
metadata is stale (an editable install from before the entry points were declared,
say), the built-ins are imported from :data:`BUILTIN_PLATFORMS` directly, so they always
work. A plugin that fails to import, names no platform, or claims a name already taken
is skipped with a logged warning rather than breaking every caller.
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points

from personae.errors import UnknownPlatformError
from personae.persona.platforms._base import Platform, PlatformConstraints

__all__ = [
    "BUILTIN_PLATFORMS",
    "ENTRY_POINT_GROUP",
    "NAME_PATTERN",
    "PlatformRegistry",
    "available_platforms",
    "default_registry",
    "get_platform",
    "register_platform",
    "unregister_platform",
]

logger = logging.getLogger("personae.persona")

ENTRY_POINT_GROUP = "personae.platforms"
"""The entry-point group platform plugins declare themselves in."""

BUILTIN_PLATFORMS: dict[str, str] = {
    "blog": "personae.persona.platforms.blog:Blog",
    "facebook": "personae.persona.platforms.facebook:Facebook",
    "instagram": "personae.persona.platforms.instagram:Instagram",
    "linkedin": "personae.persona.platforms.linkedin:LinkedIn",
    "x": "personae.persona.platforms.x:X",
}
"""The platforms personae ships, as ``module:attribute`` (the same values as its entry points)."""

_OWN_DISTRIBUTION = "personae"


def _group_entry_points() -> Iterable[EntryPoint]:
    return entry_points(group=ENTRY_POINT_GROUP)


def _load_reference(reference: str) -> object:
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


def _as_platform(obj: object) -> Platform | None:
    if isinstance(obj, Platform):
        return obj
    if isinstance(obj, type) and issubclass(obj, Platform):
        return obj()
    return None


def _normalise(name: str) -> str:
    return name.strip().lower()


NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
"""What a platform's name must look like: it is a URL path segment and a stored column
(``platform_personas.platform`` holds 50 characters)."""


def _bad_name(platform: Platform) -> str | None:
    """Why ``platform`` cannot be registered, or ``None`` if it can."""
    names = [getattr(platform, "name", None), *getattr(platform, "aliases", ())]
    for name in names:
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            return f"{name!r} is not a platform name (lower-case letters, digits, '_', '-')"
    if not isinstance(getattr(platform, "constraints", None), PlatformConstraints):
        return "it sets no PlatformConstraints"
    return None


class PlatformRegistry:
    """Platforms by name (and alias), loaded from entry points on first use.

    Parameters
    ----------
    entry_points
        Returns the entry points of :data:`ENTRY_POINT_GROUP`; tests pass their own.
    builtins
        ``name -> "module:attribute"`` of the platforms that must exist even when the
        installed metadata does not list them.
    """

    def __init__(
        self,
        *,
        entry_points: Callable[[], Iterable[EntryPoint]] = _group_entry_points,
        builtins: dict[str, str] | None = None,
    ) -> None:
        self._entry_points = entry_points
        self._builtins = dict(BUILTIN_PLATFORMS if builtins is None else builtins)
        self._platforms: dict[str, Platform] = {}
        self._aliases: dict[str, str] = {}
        self._loaded = False
        self._lock = threading.RLock()

    # -- loading ----------------------------------------------------------------------

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            self._load()
            self._loaded = True

    def _load(self) -> None:
        points = list(self._entry_points())
        own = [ep for ep in points if ep.dist is not None and ep.dist.name == _OWN_DISTRIBUTION]
        others = sorted((ep for ep in points if ep not in own), key=lambda ep: ep.name)
        # Built-ins first (from personae's own entry points, or from the table when the
        # installed metadata is stale), so a plugin can never shadow one.
        for point in sorted(own, key=lambda ep: ep.name):
            self._load_point(point)
        for name, reference in self._builtins.items():
            if _normalise(name) not in self._platforms:
                self._add_loaded(name, _as_platform(_load_reference(reference)), origin=reference)
        for point in others:
            self._load_point(point)

    def _load_point(self, point: EntryPoint) -> None:
        try:
            platform = _as_platform(point.load())
        except Exception:  # a broken plugin must not break every caller
            logger.warning("platform plugin %r failed to load; skipped", point.value, exc_info=True)
            return
        self._add_loaded(point.name, platform, origin=point.value)

    def _add_loaded(self, declared: str, platform: Platform | None, *, origin: str) -> None:
        if platform is None:
            logger.warning("platform plugin %r is not a Platform; skipped", origin)
            return
        problem = _bad_name(platform)
        if problem is not None:
            logger.warning("platform plugin %r skipped: %s", origin, problem)
            return
        if _normalise(declared) != platform.name:
            logger.warning(
                "platform plugin %r declares %r but is named %r; skipped",
                origin,
                declared,
                platform.name,
            )
            return
        if self._taken(platform):
            logger.warning("platform %r from %r is already registered; skipped", declared, origin)
            return
        self._insert(platform)

    def _taken(self, platform: Platform) -> bool:
        names = {platform.name, *map(_normalise, platform.aliases)}
        return any(n in self._platforms or n in self._aliases for n in names)

    def _insert(self, platform: Platform) -> None:
        self._platforms[platform.name] = platform
        for alias in platform.aliases:
            self._aliases[_normalise(alias)] = platform.name

    # -- the public surface -----------------------------------------------------------

    def register(self, platform: Platform, *, replace: bool = False) -> None:
        """Add ``platform`` (a fixture's fake, or a plugin registered from code).

        Raises
        ------
        ValueError
            Its name or an alias is taken and ``replace`` is false, a name is not a
            valid platform name, or it sets no constraints.
        """
        problem = _bad_name(platform)
        if problem is not None:
            raise ValueError(f"cannot register {platform!r}: {problem}")
        self._ensure_loaded()
        with self._lock:
            if replace:
                self._remove(platform.name)
            elif self._taken(platform):
                raise ValueError(f"a platform named {platform.name!r} is already registered")
            self._insert(platform)

    def unregister(self, name: str) -> None:
        """Remove the platform ``name`` (and its aliases); unknown names are ignored."""
        self._ensure_loaded()
        with self._lock:
            self._remove(_normalise(name))

    def _remove(self, name: str) -> None:
        self._platforms.pop(name, None)
        self._aliases = {alias: to for alias, to in self._aliases.items() if to != name}

    def get(self, name: str) -> Platform:
        """The platform called ``name`` or one of its aliases, case-insensitively.

        Raises
        ------
        UnknownPlatformError
            No platform has that name (HTTP 404; the error lists the known ones).
        """
        self._ensure_loaded()
        key = _normalise(name)
        key = self._aliases.get(key, key)
        platform = self._platforms.get(key)
        if platform is None:
            raise UnknownPlatformError(name, known=self.names())
        return platform

    def names(self) -> list[str]:
        """The registered platform names, sorted."""
        self._ensure_loaded()
        return sorted(self._platforms)

    def platforms(self) -> list[Platform]:
        """The registered platforms, sorted by name."""
        self._ensure_loaded()
        return [self._platforms[name] for name in sorted(self._platforms)]


_default = PlatformRegistry()


def default_registry() -> PlatformRegistry:
    """The process-wide registry that :func:`get_platform` reads."""
    return _default


def get_platform(name: str) -> Platform:
    """The platform called ``name`` (case-insensitive; aliases such as ``twitter`` work).

    Examples
    --------
    >>> get_platform("LinkedIn").constraints.length.max_chars
    3000

    Raises
    ------
    UnknownPlatformError
        No installed platform has that name; ``details["known"]`` lists those that do.
    """
    return _default.get(name)


def available_platforms() -> list[Platform]:
    """Every installed platform, sorted by name."""
    return _default.platforms()


def register_platform(platform: Platform, *, replace: bool = False) -> None:
    """Register ``platform`` in the default registry (see :meth:`PlatformRegistry.register`)."""
    _default.register(platform, replace=replace)


def unregister_platform(name: str) -> None:
    """Remove a platform from the default registry."""
    _default.unregister(name)
