"""``personae demo``: the bundled writers' voices, blind attribution, then the main job.

The main job runs on the embedded defaults: a persona is generated for the founder writer
with the local model and stored in the SQLite store of the data directory (reused on
later runs), then one LinkedIn post is written in its voice through the optimize loop.
``--no-llm`` stops after attribution (no model is loaded).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from personae.cli._console import fmt, out, progress
from personae.cli._render import key_words, voices_table
from personae.cli._write import fraction_bar, local_persona_id, persona_service
from personae.errors import DuplicateNameError
from personae.persona._generate import OnboardingData, PersonaGenerationRequest
from personae.samples import SampleWriter, sample_writers
from personae.style import StyleProfile, attribute

__all__ = ["demo"]


DEMO_PERSONA = "demo-founder"
"""The persona the demo generates (and reuses when it exists)."""


def demo(
    show_voices: Annotated[
        bool, typer.Option("--voices/--no-voices", help="Print the writers' voices side by side.")
    ] = True,
    use_llm: Annotated[
        bool,
        typer.Option("--llm/--no-llm", help="Generate a persona and write a post with the model."),
    ] = True,
) -> None:
    """Profile the sample writers, attribute held-out texts blind, then write in a voice."""
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
    if use_llm:
        _write_in_a_voice(writers[0])


def _write_in_a_voice(writer: SampleWriter) -> None:
    """Generate (or reuse) a persona from the writer's samples and write one post."""
    console = out()
    console.print(Rule(Text(f"Writing as {writer.name}, with the local model")))
    request = PersonaGenerationRequest(
        name=DEMO_PERSONA,
        display_name=writer.name,
        writing_samples=list(writer.training),
        onboarding=OnboardingData(business_type="software", target_audience="founders"),
    )
    with persona_service(None) as (service, owner_id):
        try:
            service.check_name_free(owner_id, DEMO_PERSONA)
        except DuplicateNameError:
            console.print(f"Reusing the persona {DEMO_PERSONA!r} from an earlier run.")
        else:
            with fraction_bar("generating the persona") as update:
                service.generate(owner_id, request, on_progress=update)
        persona_id = local_persona_id(DEMO_PERSONA)
        with fraction_bar("writing a LinkedIn post") as update:
            result = service.write(
                owner_id,
                persona_id,
                "linkedin",
                "what shipping small taught our team this year",
                candidates=2,
                max_rounds=2,
                max_tokens=220,
                on_progress=update,
            )
    console.print(result.text, highlight=False)
    if result.checks.passed and result.platform_passed is not False:
        console.print(
            "junk checks: passed (on topic, no notes, no loops, nothing invented, "
            "within LinkedIn's limits)"
        )
    if result.passed:
        console.print("verdict: passed (every check and the quality threshold)")
    else:
        console.print(
            "verdict: [yellow]not passed[/] — " + "; ".join(escape(r) for r in result.failures),
            highlight=False,
        )
    report = result.report
    console.print(
        f"authenticity {fmt(report.authenticity_score)} · platform "
        f"{fmt(report.platform_optimization_quality)} · overall "
        f"{fmt(report.overall_quality_score)} ({result.rounds} round(s); model "
        f"{result.llm_ms / 1000:.1f} s, everything else {result.pipeline_ms:.0f} ms)",
        highlight=False,
    )
    console.print(
        f'Next: personae write --persona {DEMO_PERSONA} --platform x "your brief"',
        highlight=False,
    )
