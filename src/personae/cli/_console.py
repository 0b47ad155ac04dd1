"""Rich output shared by the commands: consoles, progress bars, the error line, numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from personae.errors import PersonaeError

__all__ = ["err", "fmt", "out", "pct", "print_error", "problems", "progress"]


def out() -> Console:
    """A console on stdout: tables and reports."""
    return Console()


def err() -> Console:
    """A console on stderr: progress and errors, so stdout stays clean for ``--json``."""
    return Console(stderr=True)


def print_error(exc: PersonaeError) -> None:
    """Print one red line, ``error: [source: ]message``, on stderr."""
    message = " ".join(exc.message.split())
    source = exc.details.get("source")
    if source is not None:
        message = f"{source}: {message}"
    line = Text.assemble(("error: ", "bold red"), (message, "red"))
    Console(stderr=True, soft_wrap=True, highlight=False).print(line)


def problems(exc: ValidationError, model: type[BaseModel] | None = None) -> str:
    """A pydantic error in a person's words: ``field: what is wrong`` joined by ``; ``,
    without pydantic's links; an unknown field names the fields ``model`` accepts, so a
    typo in a JSON file says what was meant."""
    lines = []
    unknown = False
    for error in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in error["loc"]) or "the value"
        if error["type"] == "extra_forbidden":
            unknown = True
            lines.append(f"{where}: not a known field")
        else:
            lines.append(f"{where}: {error['msg']}")
    if unknown and model is not None:
        lines.append("known fields: " + ", ".join(model.model_fields))
    return "; ".join(lines)


@contextmanager
def progress(
    description: str, *, total: int, enabled: bool = True
) -> Iterator[Callable[[int], None]]:
    """Show a progress bar on stderr and yield a callback taking the number of items done.

    The callback fits ``StyleProfile.from_texts(on_progress=...)``. When ``enabled`` is
    false the callback does nothing and no bar is drawn.
    """
    if not enabled:
        yield lambda done: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err(), transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance_to(done: int) -> None:
            bar.update(task, completed=done)

        yield advance_to


def fmt(value: float | None, *, digits: int | None = None) -> str:
    """A number for people: fewer decimals as it grows; ``—`` when not measured."""
    if value is None:
        return "—"
    if digits is None:
        size = abs(value)
        digits = 0 if size >= 100 else 1 if size >= 10 else 2
    return f"{value:,.{digits}f}"


def pct(share: float | None) -> str:
    """A share in 0..1 as a percentage."""
    return "—" if share is None else f"{share * 100:.0f}%"
