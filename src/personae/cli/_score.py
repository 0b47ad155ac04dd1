"""``personae score`` and ``personae platforms``: computed content quality from a shell.

``personae score`` prints seed 001's metrics for a text (all computed by
:func:`personae.persona.score_content`, never estimated) with the suggestions ordered by
impact. ``--persona NAME`` scores in a stored persona's voice (the CLI's local user, as
``personae sync`` stores them) and records the report as a validation result of that
persona, as ``POST /api/content/validate`` does; ``--profile FILE`` uses a profile
written by ``personae style profile`` and stores nothing.
"""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from personae.cli._console import fmt, out
from personae.cli._files import about, read_profile, read_text
from personae.cli._store import local_database
from personae.config import get_settings
from personae.errors import InputError, TextTooLargeError
from personae.persona import (
    VALIDATION_TYPE,
    Platform,
    QualityReport,
    available_platforms,
    build_persona_service,
    get_platform,
    score_content,
)

__all__ = ["VALIDATION_TYPE", "platforms_command", "quality_report", "score_command"]

_COLOURS = {"high": "red", "medium": "yellow", "low": "dim"}
_METRICS = (
    ("overall_quality_score", "overall quality"),
    ("authenticity_score", "authenticity (style match)"),
    ("platform_optimization_quality", "platform optimisation"),
    ("linguistic_quality", "linguistic quality"),
    ("consistency_score", "consistency with the persona"),
)


def _read_input(source: str) -> tuple[str, str, Path | None]:
    """The text to score, what to call it, and the file it came from (if any).

    An argument that names an existing file is read as one, ``-`` reads stdin, and
    anything else is the text itself.
    """
    if source != "-" and _is_file(source):
        path = Path(source)
        return read_text(path), source, path
    text, label = (sys.stdin.read(), "stdin") if source == "-" else (source, "text")
    limit = get_settings().max_text_chars
    if len(text) > limit:
        raise TextTooLargeError(size=len(text), limit=limit)
    return text, label, None


def _is_file(source: str) -> bool:
    """Whether ``source`` names an existing file (a long text is no file name)."""
    try:
        return Path(source).is_file()
    except (OSError, ValueError):  # too long for a file name, or a NUL in it
        return False


def _about(path: Path | None) -> AbstractContextManager[None]:
    """Tag errors with the file they concern, when the text came from a file."""
    return about(path) if path is not None else nullcontext()


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else fmt(value)


def _score_colour(score: float) -> str:
    return "green" if score >= 0.8 else "yellow" if score >= 0.5 else "red"


def quality_report(report: QualityReport, *, source: str, top: int = 8) -> RenderableType:
    """The metrics table, the failed platform rules and the suggestions, for a terminal."""
    table = Table(title=f"Quality of {source}", title_justify="left")
    table.add_column("metric")
    table.add_column("score", justify="right")
    table.add_column("weight", justify="right")
    weights: dict[str, float] = {d.name: d.weight for d in report.dimensions}
    for key, label in _METRICS:
        value = getattr(report, key)
        score = Text("—", style="dim") if value is None else Text(f"{value:.2f}")
        if value is not None:
            score.stylize(_score_colour(value))
        weight = "" if key == "overall_quality_score" else fmt(weights.get(key))
        table.add_row(label, score, weight)
    parts: list[RenderableType] = [table]
    context = [f"{report.word_count:,} words"]
    if report.profile:
        context.append(f"voice: {report.profile}")
    if report.platform:
        context.append(f"platform: {report.platform}")
    parts.append(Text(" · ".join(context), style="dim"))
    platform = report.details.platform
    if platform is not None:
        failed = [r for r in platform.rules if not r.passed]
        if failed:
            rules = Table(title="Platform rules not met", title_justify="left")
            rules.add_column("rule")
            rules.add_column("severity")
            rules.add_column("measured", justify="right")
            rules.add_column("limit", justify="right")
            for r in failed:
                rules.add_row(
                    r.rule_id,
                    Text(r.severity, style="red" if r.severity == "error" else "yellow"),
                    _number(r.measured),
                    str(r.limit) if not isinstance(r.limit, float | int) else _number(r.limit),
                )
            parts.append(rules)
        if platform.fixable:
            parts.append(
                Text(f"automatic fixes available: {', '.join(platform.fixable)}", style="dim")
            )
    if report.improvement_suggestions:
        parts.append(Text("Suggestions (most impact first)", style="bold"))
        for rank, s in enumerate(report.improvement_suggestions[:top], start=1):
            parts.append(
                Text.assemble(
                    f"{rank:>2}. ",
                    (f"[{s.priority}] ", _COLOURS[s.priority]),
                    (f"{s.category}: ", "bold"),
                    s.message,
                )
            )
    for note in report.notes:
        parts.append(Text(f"note: {note}", style="yellow"))
    return Group(*parts)


def score_command(
    source: Annotated[
        str,
        typer.Argument(
            metavar="TEXT_OR_FILE",
            help="A UTF-8 file to score, '-' for stdin, or the text itself.",
            show_default=False,
        ),
    ],
    persona: Annotated[
        str | None,
        typer.Option(
            "--persona",
            "-p",
            help="Score in this stored persona's voice and record the result.",
            show_default=False,
        ),
    ] = None,
    profile_path: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            help="Score against a voice profile JSON (from 'personae style profile').",
            show_default=False,
        ),
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform",
            help="Where it will be published (see 'personae platforms').",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON instead of tables.")
    ] = False,
    top: Annotated[int, typer.Option(min=1, help="How many suggestions to show.")] = 8,
) -> None:
    """Score TEXT_OR_FILE: overall, authenticity, platform, linguistic and consistency."""
    if persona is not None and profile_path is not None:
        raise InputError("give --persona or --profile, not both")
    target: Platform | None = get_platform(platform) if platform is not None else None
    text, label, path = _read_input(source)
    if persona is None:
        profile = read_profile(profile_path) if profile_path is not None else None
        with _about(path):
            report = score_content(
                text, profile=profile, platform=target, max_chars=get_settings().max_text_chars
            )
    else:
        with local_database() as (database, user_id):
            service = build_persona_service(get_settings(), database=database)
            with _about(path):
                report = service.score_and_record(
                    user_id, text, persona_name=persona, platform=platform
                ).report
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    out().print(quality_report(report, source=label, top=top))


def platforms_command(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every platform's constraints as JSON.")
    ] = False,
) -> None:
    """List the installed platforms and their limits."""
    platforms = available_platforms()
    if as_json:
        data = [p.info().model_dump(mode="json") for p in platforms]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = Table(title="Platforms", title_justify="left")
    for column in ("name", "max length", "recommended", "hashtags", "links", "formatting"):
        table.add_column(column)
    for p in platforms:
        c = p.constraints
        length = "—" if c.length.max_chars is None else f"{c.length.max_chars:,}"
        if c.length.counting == "weighted":
            length += " (weighted)"
        recommended = []
        if c.length.recommended_words is not None:
            recommended.append(f"{c.length.recommended_words} words")
        if c.length.recommended_chars is not None:
            recommended.append(f"{c.length.recommended_chars} chars")
        hashtags = []
        if c.hashtags.recommended is not None:
            hashtags.append(str(c.hashtags.recommended))
        if c.hashtags.max is not None:
            hashtags.append(f"max {c.hashtags.max}")
        links = (
            "not allowed"
            if not c.links.allowed
            else "not clickable"
            if not c.links.clickable
            else f"count {c.links.counted_as}"
            if c.links.counted_as is not None
            else "yes"
        )
        formatting = "Markdown" if c.formatting.markdown else "plain text"
        if c.formatting.headings == "required":
            formatting += ", subheadings"
        name = p.name + (f" ({', '.join(p.aliases)})" if p.aliases else "")
        table.add_row(
            name,
            length,
            ", ".join(recommended) or "—",
            ", ".join(hashtags) or "—",
            links,
            formatting,
        )
    out().print(table)
