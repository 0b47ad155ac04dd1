"""Rich output shared by the commands: consoles, progress bars, the error line, numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from personae.errors import PersonaeError

__all__ = ["err", "fmt", "out", "pct", "print_error", "progress"]


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
