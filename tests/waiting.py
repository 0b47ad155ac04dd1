"""Waiting on a condition in tests, instead of sleeping a guessed time.

Jobs run in threads or workers and caches reconnect in the background: a test polls for
the state it needs, with a deadline, so it is as fast as the system and fails clearly
when the state never comes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["settled_job", "wait_until"]

FINISHED = frozenset({"succeeded", "failed"})
"""A job's last statuses."""


def wait_until(condition: Callable[[], bool], *, seconds: float = 10.0) -> bool:
    """Poll ``condition`` every 20 ms until it holds (``True``) or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def settled_job(read: Callable[[], Mapping[str, Any]], *, timeout: float = 30.0) -> dict[str, Any]:
    """The job ``read()`` returns once it has succeeded or failed (or as it is at the
    deadline, for the test's assertion to report)."""
    deadline = time.monotonic() + timeout
    while True:
        job = dict(read())
        if job["status"] in FINISHED or time.monotonic() > deadline:
            return job
        time.sleep(0.05)
