"""Type aliases shared across personae's packages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeAlias

__all__ = ["Clock", "Loader", "MessageRole", "Role", "Sleep", "TokenType"]

Clock: TypeAlias = Callable[[], float]
"""Seconds from a monotonic clock (``time.monotonic``); tests inject a fake one."""

Loader: TypeAlias = Callable[[], bytes]
"""Reads the authoritative value (from the database) when the cache has none."""

MessageRole: TypeAlias = Literal["system", "user", "assistant"]
"""Who speaks in a conversation with a language model."""

Role: TypeAlias = Literal["user", "admin"]
"""What a user may do: ``admin`` may do everything a ``user`` may, and manage others."""

Sleep: TypeAlias = Callable[[float], None]
"""Waits this many seconds (``time.sleep``); tests inject one that only records."""

TokenType: TypeAlias = Literal["access", "refresh"]
"""An access token authorises requests; a refresh token only buys new access tokens."""
