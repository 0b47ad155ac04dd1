"""``personae content list|show|edit|approve|schedule|publish|calendar|publishers``.

The content library from a shell, as the CLI's local user (see
:mod:`personae.cli._store`): every text ``personae write`` produces is kept as a draft,
and these commands find, edit, approve, schedule and publish it. A thin shell over
:class:`~personae.content.ContentService`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from personae.cli._console import fmt, out
from personae.cli._files import read_text
from personae.cli._store import local_database
from personae.config import get_settings
from personae.content import (
    ContentPieceDetail,
    ContentPiecePublic,
    ContentService,
    EditRequest,
    PublisherCreate,
    PublishRequest,
    ScheduleRequest,
    build_content_service,
)
from personae.errors import InputError

__all__ = ["content_app"]

content_app = typer.Typer(
    name="content",
    help="The content library: list, show, edit, approve, schedule and publish pieces.",
    no_args_is_help=True,
)

_JSON = typer.Option("--json", help="Print JSON on stdout instead of tables.")
_PIECE = typer.Argument(help="The piece's id (see personae content list).", show_default=False)


class _Status(StrEnum):
    draft = "draft"
    approved = "approved"
    scheduled = "scheduled"
    published = "published"
    archived = "archived"


@content_app.callback()
def _content() -> None:
    """The content library: list, show, edit, approve, schedule and publish pieces."""


@contextmanager
def _service() -> Iterator[tuple[ContentService, int]]:
    with local_database() as (database, user_id):
        yield build_content_service(get_settings(), database=database), user_id


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "—"


def _table(pieces: list[ContentPiecePublic], title: str) -> Table:
    table = Table("id", "status", "platform", "persona", "when", "text", title=title)
    for p in pieces:
        when = p.published_at or p.scheduled_at or p.created_at
        status = p.status + (" (error)" if p.publish_error else "")
        table.add_row(
            str(p.id), status, p.platform, str(p.persona_id), _when(when), Text(_short(p.text))
        )
    return table


@content_app.command("list")
def list_command(
    persona: Annotated[
        str | None, typer.Option("--persona", "-p", help="Only this persona's (name or id).")
    ] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Only this platform.")] = None,
    status: Annotated[
        list[_Status] | None, typer.Option("--status", help="Only this status (repeat).")
    ] = None,
    query: Annotated[str | None, typer.Option("--search", "-s", help="Text to find.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Most to show.")] = 20,
    offset: Annotated[int, typer.Option("--offset", min=0, help="How many to skip.")] = 0,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """List your pieces, newest first."""
    with _service() as (service, user_id):
        persona_id = service.persona_id(user_id, persona) if persona else None
        page = service.search(
            user_id,
            persona_id=persona_id,
            platform=platform,
            status=[s.value for s in status or ()],
            query=query,
            limit=limit,
            offset=offset,
        )
    if as_json:
        typer.echo(page.model_dump_json(indent=2))
        return
    shown = f"{offset + 1}-{offset + len(page.items)}" if page.items else "none"
    out().print(_table(page.items, f"Pieces {shown} of {page.total}"))
    if page.next_offset is not None:
        out().print(f"More: personae content list --offset {page.next_offset}", highlight=False)


def _print_detail(piece: ContentPieceDetail) -> None:
    console = out()
    table = Table(show_header=False, title=f"Piece {piece.id}")
    table.add_column("", style="bold")
    table.add_column("")
    rows = [
        ("status", piece.status),
        ("persona", f"{piece.persona_id} (version {piece.persona_version})"),
        ("platform", piece.platform),
        ("brief", piece.brief or "—"),
        ("quality", fmt(piece.quality_score, digits=2)),
        ("style match", fmt(piece.style_match, digits=2)),
        ("scheduled", _when(piece.scheduled_at)),
        ("published", _when(piece.published_at)),
        ("publisher", piece.publisher or "—"),
        ("external id", piece.external_id or "—"),
        ("strategy", str(piece.strategy_id) if piece.strategy_id else "—"),
        ("reward", fmt(piece.reward, digits=3)),
    ]
    if piece.publish_error:
        rows.append(("publish error", piece.publish_error))
    for label, value in rows:
        table.add_row(label, Text(value))
    console.print(table)
    console.print(Text(piece.text))
    for attempt in piece.attempts:
        outcome = "ok" if attempt.ok else (attempt.error or "failed")
        console.print(
            f"attempt {attempt.attempt} via {attempt.publisher}: {outcome}",
            style="green" if attempt.ok else "yellow",
            highlight=False,
        )
    if piece.edits:
        console.print(f"{len(piece.edits)} edit(s); the first text was:", style="dim")
        console.print(Text(_short(piece.edits[0].before, 200), style="dim"))


@content_app.command("show")
def show_command(piece: Annotated[int, _PIECE], as_json: Annotated[bool, _JSON] = False) -> None:
    """Show a piece: its text, scores, schedule, publish attempts and edits."""
    with _service() as (service, user_id):
        detail = service.get(user_id, piece)
    if as_json:
        typer.echo(detail.model_dump_json(indent=2))
        return
    _print_detail(detail)


@content_app.command("edit")
def edit_command(
    piece: Annotated[int, _PIECE],
    text: Annotated[str | None, typer.Option("--text", help="The new text.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the new text from FILE.")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Why it changed.")] = "",
    feedback: Annotated[
        bool, typer.Option("--feedback", help="Also teach the persona from the edited text.")
    ] = False,
) -> None:
    """Change a piece's text (the old text is kept in its history)."""
    if (text is None) == (file is None):
        raise InputError("give the new text with --text or --file (one of them)")
    new = text if text is not None else read_text(file)  # type: ignore[arg-type]
    with _service() as (service, user_id):
        detail = service.edit(user_id, piece, EditRequest(text=new, note=note, feedback=feedback))
    taught = " and added to the persona's voice" if feedback else ""
    out().print(f"Piece {detail.id} edited{taught}.", highlight=False)


@content_app.command("approve")
def approve_command(piece: Annotated[int, _PIECE]) -> None:
    """Mark a draft ready to schedule or publish."""
    with _service() as (service, user_id):
        done = service.approve(user_id, piece)
    out().print(f"Piece {done.id} approved.", highlight=False)


@content_app.command("schedule")
def schedule_command(
    piece: Annotated[int, _PIECE],
    at: Annotated[
        datetime | None,
        typer.Option(
            "--at", help="When (UTC unless an offset is given). Default: the best hour suggested."
        ),
    ] = None,
    publisher: Annotated[
        str, typer.Option("--publisher", help="Which of your publishers.")
    ] = "manual",
    cluster: Annotated[
        int | None,
        typer.Option("--cluster", help="Without --at: the best hour of this audience cluster."),
    ] = None,
) -> None:
    """Schedule a piece; without --at, at the strategy's next best posting hour (for all
    audiences, or the cluster given; the suggestions are listed)."""
    with _service() as (service, user_id):
        times = service.posting_times(user_id, piece) if at is None else []
        done = service.schedule(
            user_id,
            piece,
            ScheduleRequest(at=at, publisher=publisher, audience_cluster_id=cluster),
        )
    console = out()
    for time in times:
        who = (
            "all audiences"
            if time.audience_cluster_id is None
            else (f"cluster {time.audience_cluster_id} ({time.audience_size} members)")
        )
        hours = ", ".join(f"{h:02d}:00" for h in time.hours)
        console.print(f"Best hours on {time.platform} for {who}: {hours} ({time.basis})")
    console.print(
        f"Piece {done.id} scheduled for {_when(done.scheduled_at)} via {done.publisher}.",
        highlight=False,
    )


@content_app.command("publish")
def publish_command(
    piece: Annotated[int | None, typer.Argument(help="The piece (omit with --due).")] = None,
    due: Annotated[bool, typer.Option("--due", help="Publish every due piece now.")] = False,
    publisher: Annotated[
        str | None, typer.Option("--publisher", help="Which publisher (default: as scheduled).")
    ] = None,
    external_id: Annotated[
        str | None, typer.Option("--id", help="manual: the platform's id of the post.")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="manual: the post's URL.")] = None,
) -> None:
    """Publish a piece now (or, with --due, every scheduled piece whose time has come)."""
    with _service() as (service, user_id):
        if due:
            result = service.publish_due(user_id)
            out().print(
                f"Published {len(result.published)} due piece(s); {len(result.failed)} failed.",
                highlight=False,
            )
            if result.failed:
                raise typer.Exit(code=1)
            return
        if piece is None:
            raise InputError("name the piece to publish, or use --due")
        request = PublishRequest(publisher=publisher, external_id=external_id, url=url)
        detail = service.publish(user_id, piece, request)
    if detail.status != "published":
        out().print(f"Piece {detail.id} was not published: {detail.publish_error}", style="red")
        raise typer.Exit(code=1)
    out().print(
        f"Piece {detail.id} published via {detail.publisher} as {detail.external_id}.",
        highlight=False,
    )


@content_app.command("calendar")
def calendar_command(
    days: Annotated[int, typer.Option("--days", min=1, max=366, help="How far ahead.")] = 14,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Scheduled and published pieces from today on."""
    with _service() as (service, user_id):
        start = service.clock().replace(hour=0, minute=0, second=0, microsecond=0)
        pieces = service.calendar(user_id, start, start + timedelta(days=days))
    if as_json:
        typer.echo(json.dumps([p.model_dump(mode="json") for p in pieces], indent=2))
        return
    out().print(_table(pieces, f"The next {days} days"))


@content_app.command("add-publisher")
def add_publisher_command(
    name: Annotated[str, typer.Argument(help="A name for it (e.g. blog-hook).")],
    kind: Annotated[str, typer.Option("--kind", help="webhook or manual.")] = "webhook",
    url: Annotated[str | None, typer.Option("--url", help="webhook: where to POST.")] = None,
    secret: Annotated[
        str | None, typer.Option("--secret", help="webhook: signs bodies (16+ characters).")
    ] = None,
) -> None:
    """Add (or replace) a publisher."""
    with _service() as (service, user_id):
        saved = service.save_publisher(
            user_id, PublisherCreate(name=name, kind=kind, url=url, secret=secret)
        )
    signed = ", signed" if saved.signed else ""
    out().print(f"Publisher {saved.name} ({saved.kind}{signed}) saved.", highlight=False)


def import_export(
    file: Path, export_format: str, mapping: dict[str, str], *, settle: bool, as_json: bool
) -> bool:
    """``personae engagement import FILE`` without ``--persona``: a platform's export,
    linked to the published pieces by post id. Whether any row was imported."""
    text = read_text(file)
    with _service() as (service, user_id):
        report = service.import_engagement(
            user_id, text, fmt=export_format, mapping=mapping, settle_now=settle
        )
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return report.imported > 0
    console = out()
    table = Table(
        "format",
        "rows",
        "imported",
        "new",
        "rejected rows",
        "pieces",
        "rewarded",
        title=f"Imported {file}",
    )
    table.add_row(
        report.format,
        f"{report.received:,}",
        f"{report.imported:,}",
        f"{report.inserted:,}",
        f"{report.rejected_rows:,}",
        f"{len(report.pieces):,}",
        f"{len(report.settled):,}",
    )
    console.print(table)
    for rejected in report.rejected[:50]:
        console.print(Text(f"line {rejected.row}: {'; '.join(rejected.reasons)}", style="yellow"))
    if report.rejected_rows > 50:
        console.print(f"… and {report.rejected_rows - 50:,} more (use --json for all).")
    for done in report.settled:
        learned = " (the policy learned from it)" if done.policy_updated else ""
        console.print(f"piece {done.piece_id}: reward {done.reward:.3f}{learned}", highlight=False)
    if report.imported == 0:
        console.print("Nothing was imported.", style="red")
    return report.imported > 0


@content_app.command("settle")
def settle_command(
    now: Annotated[
        bool, typer.Option("--now", help="Do not wait for the settling window.")
    ] = False,
) -> None:
    """Reward the published pieces whose engagement has settled (the policy learns)."""
    with _service() as (service, user_id):
        settled = service.settle(user_id, force=now)
    for done in settled:
        out().print(f"piece {done.piece_id}: reward {done.reward:.3f}", highlight=False)
    out().print(f"{len(settled)} piece(s) settled.", highlight=False)


@content_app.command("experiments")
def experiments_command(as_json: Annotated[bool, _JSON] = False) -> None:
    """Your A/B tests of persona versions: per variant the pieces, mean reward and
    probability of being best, and whether to stop."""
    with _service() as (service, user_id):
        reports = service.experiments(user_id)
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in reports], indent=2))
        return
    for report in reports:
        table = Table(
            "variant",
            "version",
            "pieces",
            "rewarded",
            "mean reward",
            "P(best)",
            title=f"Experiment {report.id}: {report.name} ({report.platform}, {report.status})",
        )
        for v in report.variants:
            table.add_row(
                v.name,
                str(v.persona_version),
                str(v.pieces),
                str(v.rewarded),
                fmt(v.mean_reward, digits=3),
                f"{v.probability_best:.0%}",
            )
        out().print(table)
        out().print(report.suggestion, highlight=False)
    if not reports:
        out().print("No experiments yet (POST /api/content/experiments).", highlight=False)


def keep_written(
    persona_id: int, platform: str, brief: str, text: str, report: dict[str, Any]
) -> int:
    """Keep what ``personae write`` wrote as a draft of the local user; the piece id."""
    with _service() as (service, user_id):
        return service.keep_written(
            user_id, persona_id, platform, brief, text, report=report, source="cli"
        )
