"""``personae persona create|drafts`` and ``personae write``: the LLM at work from a shell.

Commands act as the CLI's local user (see :mod:`personae.cli._store`) on the configured
store, with the configured model (``PERSONAE_LLM``, the local SmolLM2 by default; ``--llm``
overrides it). Long work shows a progress bar on stderr; results go to stdout.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from personae.cli._console import err, fmt, out, problems
from personae.cli._content import keep_written
from personae.cli._files import about, read_samples, read_text
from personae.cli._store import local_database
from personae.config import get_settings
from personae.errors import InputError
from personae.persona import PersonaService, build_persona_service
from personae.persona._generate import OnboardingData, PersonaGenerationRequest

__all__ = [
    "fraction_bar",
    "local_persona_id",
    "persona_app",
    "persona_service",
    "write_command",
]

persona_app = typer.Typer(
    name="persona", help="Generate personas with the LLM.", no_args_is_help=True
)

LLMOption = Annotated[
    str | None,
    typer.Option("--llm", help="Model instead of PERSONAE_LLM: local, openai:gpt-4o-mini …"),
]


@contextmanager
def persona_service(spec: str | None) -> Iterator[tuple[PersonaService, int]]:
    """The persona service as the local user, on a migrated store."""
    with local_database() as (database, owner_id):
        yield build_persona_service(get_settings(), database=database, spec=spec), owner_id


@contextmanager
def fraction_bar(description: str) -> Iterator[Callable[[float, str], None]]:
    """A progress bar fed ``(fraction, message)``, as services report progress."""
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err(), transient=True) as bar:
        task = bar.add_task(description, total=1.0)

        def update(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, description=f"{description}: {message}")

        yield update


def _onboarding(path: Path | None) -> OnboardingData:
    if path is None:
        return OnboardingData()
    with about(path):
        try:
            data = json.loads(read_text(path))
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg} (line {exc.lineno})") from exc
        if isinstance(data, dict) and isinstance(data.get("onboarding_data"), dict):
            data = data["onboarding_data"]  # seed 001's request shape
        try:
            return OnboardingData.model_validate(data)
        except ValidationError as exc:
            raise InputError(
                f"not valid onboarding answers ({problems(exc, OnboardingData)})"
            ) from exc


@persona_app.command("create")
def create_command(
    name: Annotated[str, typer.Argument(help="The persona's name (unique among yours).")],
    samples: Annotated[
        list[Path],
        typer.Option("--samples", "-s", help="Text files the writer wrote (repeat the option)."),
    ],
    onboarding: Annotated[
        Path | None,
        typer.Option("--onboarding", help="Onboarding answers as JSON (seed 001's shape)."),
    ] = None,
    llm: LLMOption = None,
) -> None:
    """Measure the samples, let the model name the voice, and store the persona."""
    texts = read_samples(samples)
    request = PersonaGenerationRequest(
        name=name, writing_samples=texts, onboarding=_onboarding(onboarding)
    )
    with persona_service(llm) as (service, owner_id):
        service.check_name_free(owner_id, name)
        with fraction_bar(f"creating {name}") as update:
            persona, generated = service.generate(owner_id, request, on_progress=update)
    table = Table(show_header=False, box=None)
    table.add_row("persona", f"{persona.display_name} ({persona.name}, id {persona.id})")
    table.add_row("archetype", persona.archetype or "—")
    table.add_row("core belief", persona.core_belief or "—")
    table.add_row("tone", tone_in_words(persona.tonal_range))
    table.add_row("confidence", fmt(persona.confidence_score))
    for key in ("words", "samples", "agreement"):
        table.add_row(f"  {key}", fmt(generated.confidence[key]))
    out().print(table)


def tone_in_words(tonal_range: dict[str, Any]) -> str:
    """``{"default": "direct", "permissible": ["plain"], "forbidden": ["sarcastic"]}`` as
    ``direct; also plain; never sarcastic``: what a writer reads, not the stored JSON."""

    def words(key: str) -> str:
        value = tonal_range.get(key)
        items = value if isinstance(value, list) else [value] if value else []
        return ", ".join(str(item) for item in items if str(item).strip())

    parts = [words("default") or "—"]
    if also := words("permissible"):
        parts.append(f"also {also}")
    if never := words("forbidden"):
        parts.append(f"never {never}")
    return "; ".join(parts)


@persona_app.command("drafts")
def drafts_command(
    onboarding: Annotated[Path, typer.Option("--onboarding", help="Onboarding answers (JSON).")],
    llm: LLMOption = None,
) -> None:
    """Draft three sample texts from onboarding answers (for writers without samples).

    Save the one that sounds like you and pass it to ``personae persona create --samples``.
    """
    answers = _onboarding(onboarding)
    with persona_service(llm) as (service, owner_id):
        drafts = service.draft_samples(owner_id, answers)
    for number, text in enumerate(drafts.samples, start=1):
        out().rule(f"draft {number}")
        out().print(text, highlight=False)


def local_persona_id(name: str) -> int:
    """The id of the local user's persona called ``name``."""
    with local_database() as (database, owner_id):
        return build_persona_service(get_settings(), database=database).persona_id_named(
            owner_id, name
        )


def write_command(
    brief: Annotated[str, typer.Argument(help="What to write about.")],
    persona: Annotated[str, typer.Option("--persona", "-p", help="The persona's name.")],
    platform: Annotated[str, typer.Option("--platform", help="linkedin, x, blog …")] = "linkedin",
    stream: Annotated[
        bool, typer.Option("--stream", help="Print one draft as it is written (no loop).")
    ] = False,
    rounds: Annotated[int, typer.Option("--rounds", min=1, max=6)] = 3,
    candidates: Annotated[int, typer.Option("--candidates", min=1, max=8)] = 2,
    max_tokens: Annotated[int, typer.Option("--max-tokens", min=16, max=4096)] = 400,
    llm: LLMOption = None,
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="Keep the text in the content library.")
    ] = True,
) -> None:
    """Write in a persona's voice for a platform: drafts, computed scores, revisions."""
    persona_id = local_persona_id(persona)
    with persona_service(llm) as (service, owner_id):
        voice = service.voice(owner_id, persona_id, platform)
        if stream:

            async def show() -> str:
                tokens = service.stream(owner_id, voice, brief, max_tokens=max_tokens)
                parts = []
                async for token in tokens:
                    parts.append(token)
                    out().print(token, end="", highlight=False, soft_wrap=True)
                out().print()
                if tokens.truncated:
                    err().print(
                        f"[yellow]stopped at {voice.platform.display_name}'s limit of "
                        f"{tokens.limit:,} characters[/]"
                    )
                return "".join(parts)

            written = asyncio.run(show())
            checks = service.check_written(voice, written, brief)
            for reason in checks.reasons:
                err().print(f"[yellow]not usable as is: {escape(reason)}[/]")
            return
        with fraction_bar("writing") as update:
            result = service.write(
                owner_id,
                persona_id,
                platform,
                brief,
                candidates=candidates,
                max_rounds=rounds,
                max_tokens=max_tokens,
                on_progress=update,
            )
    out().print(result.text, highlight=False)
    if save:
        quality = result.report.model_dump(mode="json")
        piece = keep_written(persona_id, platform, brief, result.text, quality)
        err().print(f"kept as draft piece {piece} (personae content show {piece})")
    report = result.report
    verdict = "[green]passed[/]" if result.passed else "[yellow]failed[/]"
    err().print(f"checks: {verdict}")
    for reason in result.failures:
        err().print(f"[yellow]- {escape(reason)}[/]")
    table = Table(title=f"scores ({result.rounds} round(s), stopped: {result.stopped})")
    table.add_column("metric")
    table.add_column("score", justify="right")
    for key in (
        "overall_quality_score",
        "authenticity_score",
        "platform_optimization_quality",
        "linguistic_quality",
        "consistency_score",
    ):
        table.add_row(key, fmt(getattr(report, key)))
    err().print(table)
