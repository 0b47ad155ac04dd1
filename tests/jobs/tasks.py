"""Task functions for the job tests (registered into TASKS by the tests)."""

from __future__ import annotations

from typing import Any

from personae.errors import InputError
from personae.jobs import JobContext


def echo(ctx: JobContext) -> dict[str, Any]:
    ctx.progress(0.5, "halfway")
    return {"echo": ctx.params["value"], "owner": ctx.owner_id}


def refuse(ctx: JobContext) -> dict[str, Any]:
    raise InputError("this input cannot be used", field="value")


def crash(ctx: JobContext) -> dict[str, Any]:
    raise RuntimeError("secret internals")
