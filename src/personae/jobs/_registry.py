"""Which function runs which kind of job, named as strings.

Jobs are infrastructure and must not import the services that use them (the services
import ``jobs`` to submit work). So a kind maps to ``"module:function"`` and is imported
only when a job of that kind runs, in whichever process runs it: a thread of the server,
or a ``personae worker`` process that imported nothing of the services before.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from personae.jobs._context import JobContext

__all__ = ["TASKS", "TaskFunction", "resolve_task"]

TaskFunction = Callable[["JobContext"], dict[str, Any]]
"""A job's work: reads ``ctx.params``, reports ``ctx.progress``, returns the JSON result."""

TASKS: dict[str, str] = {
    "persona.generate": "personae.persona._tasks:generate_persona_task",
    "content.publish_due": "personae.content._tasks:publish_due_task",
}
"""Every kind of job personae runs, and the function that runs it."""


def resolve_task(kind: str) -> TaskFunction:
    """The function of a job kind (imported on first use).

    Raises
    ------
    KeyError
        No such kind (a job row written by another release).
    """
    module_name, _, function_name = TASKS[kind].partition(":")
    function: TaskFunction = getattr(importlib.import_module(module_name), function_name)
    return function
