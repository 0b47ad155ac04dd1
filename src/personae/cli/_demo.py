"""``personae demo``: the bundled writers' voices, and blind attribution of held-out texts."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from personae.cli._console import out, progress
from personae.cli._render import key_words, voices_table
from personae.samples import sample_writers
from personae.style import StyleProfile, attribute

__all__ = ["demo"]


def demo(
    show_voices: Annotated[
        bool, typer.Option("--voices/--no-voices", help="Print the writers' voices side by side.")
    ] = True,
) -> None:
    """Profile the bundled sample writers and attribute their held-out texts blind."""
    writers = sample_writers()
    console = out()
    console.print(
        Rule(Text("personae demo: three writers, four samples each, one held-out text each"))
    )
    total = sum(len(writer.training) for writer in writers)
    profiles: list[StyleProfile] = []
    with progress("Building voices", total=total) as advance:
        done_before = 0
        for writer in writers:

            def on_progress(done: int, base: int = done_before) -> None:
                advance(base + done)

            profiles.append(
                StyleProfile.from_texts(writer.training, name=writer.name, on_progress=on_progress)
            )
            done_before += len(writer.training)
    if show_voices:
        for writer in writers:
            console.print(Text.assemble("  • ", (writer.name, "bold"), f": {writer.description}"))
        console.print(voices_table(profiles))
        console.print(key_words({p.name: p.key_words for p in profiles}))

    table = Table(title="Held-out texts, attributed blind", title_justify="left")
    table.add_column("held-out text")
    table.add_column("written by")
    table.add_column("attributed to")
    table.add_column("share", justify="right")
    table.add_column("match with own voice", justify="right")
    table.add_column("", justify="center")
    recognised = 0
    for writer, own_voice in zip(writers, profiles, strict=True):
        best = attribute(writer.held_out, profiles)[0]
        hit = best.name == writer.name
        recognised += hit
        table.add_row(
            f"{writer.key}-{len(writer.texts)}.txt",
            writer.name,
            Text(best.name, style="bold green" if hit else "bold red"),
            f"{best.score:.1%}",
            f"{own_voice.match(writer.held_out).score:.2f}",
            Text("✓", style="green") if hit else Text("✗", style="red"),
        )
    console.print(table)
    verdict = "green" if recognised == len(writers) else "red"
    console.print(
        Text(
            f"{recognised} of {len(writers)} held-out texts recognised as their true writer.",
            style=f"bold {verdict}",
        )
    )
