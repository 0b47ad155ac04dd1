"""``personae engagement import`` and ``personae strategy recommend|feedback|report|clusters``.

The learning loop from a shell, as the CLI's local user (see :mod:`personae.cli._store`):
import engagement exports (CSV or JSON, validated row by row, idempotent), ask for the
next strategy with its brief and explanation, report how a strategy did, and read what
was learned. A creator is named by persona name (or id).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import typer
from pydantic import ValidationError
from rich.table import Table
from rich.text import Text

from personae.cli._console import fmt, out, problems, progress
from personae.cli._files import about, read_text
from personae.cli._store import local_database
from personae.config import get_settings
from personae.errors import InputError
from personae.store import MAX_INT
from personae.strategy import (
    ClusterInfo,
    FeedbackResult,
    ImportReport,
    PerformanceReport,
    PolicyName,
    Recommendation,
    RewardComponents,
    StrategyService,
    build_strategy_service,
    parse_engagement_file,
)
from personae.vectors import Embedder, LazyEmbedder

__all__ = ["engagement_app", "strategy_app"]


class _FileType(StrEnum):
    """The file types ``personae engagement import`` reads."""

    csv = "csv"
    json = "json"


class _Policy(StrEnum):
    """The policies ``personae strategy recommend --policy`` offers."""

    linucb = "linucb"
    thompson = "thompson"
    epsilon_greedy = "epsilon_greedy"
    random = "random"


_POLICIES: dict[_Policy, PolicyName] = {
    _Policy.linucb: "linucb",
    _Policy.thompson: "thompson",
    _Policy.epsilon_greedy: "epsilon_greedy",
    _Policy.random: "random",
}
_REJECTED_SHOWN = 50
_PROGRESS_FROM_ROWS = 2000

engagement_app = typer.Typer(
    name="engagement", help="Import engagement data (CSV or JSON exports).", no_args_is_help=True
)
strategy_app = typer.Typer(
    name="strategy",
    help="Content strategies that learn from engagement: recommend, feedback, report.",
    no_args_is_help=True,
)

_JSON = typer.Option("--json", help="Print JSON on stdout instead of tables.")
_PERSONA = typer.Argument(help="The creator: a persona's name (or id).", show_default=False)


@engagement_app.callback()
def _engagement() -> None:
    """Import engagement data (CSV or JSON exports)."""


@strategy_app.callback()
def _strategy() -> None:
    """Content strategies that learn from engagement: recommend, feedback, report."""


def _embedder() -> Embedder:
    """The configured embedder, loaded on first use (tests replace this function with a
    deterministic one)."""
    return LazyEmbedder(get_settings())


@contextmanager
def _local_strategy() -> Iterator[StrategyService]:
    """The local user's strategy service on one unit of work (committed at the end)."""
    with local_database() as (database, user_id):
        strategies = build_strategy_service(get_settings(), database=database, embedder=_embedder())
        with strategies.open(user_id) as service:
            yield service


# -- engagement import ----------------------------------------------------------------------


@engagement_app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="A CSV or JSON engagement export.", show_default=False)
    ],
    persona: Annotated[
        str | None,
        typer.Option(
            "--persona",
            "-p",
            help="Import personae's own event rows for this creator (persona name or id). "
            "Without it, FILE is a platform's analytics export whose post ids find the "
            "published pieces (see personae content).",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        _FileType | None,
        typer.Option("--type", help="With --persona: file type (default: from the suffix)."),
    ] = None,
    export_format: Annotated[
        str,
        typer.Option(
            "--format", help="The export's format: auto, linkedin, x, facebook, instagram, generic."
        ),
    ] = "auto",
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="field=Column: read a field from another column (repeat); fields: reference "
            "(the post id), occurred_at, published_at, likes, comments, shares, saves, "
            "impressions, reach, clicks, conversions.",
        ),
    ] = None,
    settle: Annotated[
        bool,
        typer.Option("--settle", help="Reward the pieces now instead of after the window."),
    ] = False,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Import engagement from FILE, row by row: bad rows are listed once each with why,
    good rows are stored, and importing the same file again changes nothing. Exits with
    status 1 when no row could be imported."""
    if persona is None:
        _import_export(file, export_format, mapping or [], settle=settle, as_json=as_json)
        return
    if kind is None:
        kind = _FileType.json if file.suffix.lower() == ".json" else _FileType.csv
    fmt_: Literal["csv", "json"] = "json" if kind is _FileType.json else "csv"
    text = read_text(file)
    with about(file):
        rows = list(parse_engagement_file(text, fmt=fmt_))
        with _local_strategy() as service:
            creator = service.creator(persona)
            with progress(
                "Importing", total=len(rows), enabled=len(rows) >= _PROGRESS_FROM_ROWS
            ) as advance:
                report = service.import_engagement(
                    creator, rows, on_progress=lambda done, _total: advance(done)
                )
                advance(len(rows))
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        _print_import(report, file)
    if report.received and not (report.inserted + report.updated + report.unchanged):
        raise typer.Exit(code=1)


def _import_export(
    file: Path, export_format: str, pairs: list[str], *, settle: bool, as_json: bool
) -> None:
    from personae.cli._content import import_export

    mapping: dict[str, str] = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise InputError(f"--map {pair!r}: write it as field=Column")
        mapping[name.strip()] = column.strip()
    if not import_export(file, export_format, mapping, settle=settle, as_json=as_json):
        raise typer.Exit(code=1)


def _print_import(report: ImportReport, file: Path) -> None:
    console = out()
    table = Table(
        "received", "inserted", "updated", "unchanged", "rejected rows", title=f"Imported {file}"
    )
    table.add_row(
        f"{report.received:,}",
        f"{report.inserted:,}",
        f"{report.updated:,}",
        f"{report.unchanged:,}",
        f"{len({r.row for r in report.rejected}):,}",
    )
    console.print(table)
    if report.rejected:
        rejected = Table("row", "field", "problem", title="Rejected rows", title_style="yellow")
        for row in report.rejected[:_REJECTED_SHOWN]:
            rejected.add_row(str(row.row), row.field or "—", Text(row.message))
        console.print(rejected)
        more = len(report.rejected) - _REJECTED_SHOWN
        if more > 0:
            console.print(f"… and {more:,} more (use --json for all).", style="yellow")


# -- strategy ----------------------------------------------------------------------------


@strategy_app.command("recommend")
def recommend_command(
    persona: Annotated[str, _PERSONA],
    topic: Annotated[
        list[str] | None, typer.Option("--topic", help="A topic to choose among (repeat).")
    ] = None,
    content_format: Annotated[
        list[str] | None, typer.Option("--format", help="A content format (repeat): text, video …")
    ] = None,
    tone: Annotated[list[str] | None, typer.Option("--tone", help="A tone (repeat).")] = None,
    hour: Annotated[
        list[int] | None,
        typer.Option("--hour", min=0, max=23, help="A posting hour, UTC (repeat)."),
    ] = None,
    platform: Annotated[
        list[str] | None, typer.Option("--platform", help="A platform (repeat).")
    ] = None,
    cluster: Annotated[
        int | None, typer.Option("--cluster", min=1, max=MAX_INT, help="Audience cluster id.")
    ] = None,
    policy: Annotated[
        _Policy | None, typer.Option("--policy", help="The policy (default: the configured one).")
    ] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Recommend the next content strategy for PERSONA, with a brief and the reasons."""
    with _local_strategy() as service:
        creator = service.creator(persona)
        space = service.space_for(
            creator,
            topics=topic,
            formats=content_format,
            tones=tone,
            posting_hours=hour,
            platforms=platform,
        )
        chosen = _POLICIES[policy] if policy is not None else None
        rec = service.recommend(creator, space=space, cluster_id=cluster, policy=chosen)
    if as_json:
        typer.echo(rec.model_dump_json(indent=2))
        return
    _print_recommendation(rec)


def _print_recommendation(rec: Recommendation) -> None:
    console = out()
    s = rec.strategy
    table = Table(
        show_header=False, title=f"Strategy {rec.strategy_id} (decision {rec.episode_id})"
    )
    table.add_column("", style="bold")
    table.add_column("")
    for label, value in (
        ("topic", s.topic),
        ("format", s.format),
        ("tone", s.tone),
        ("posting hour", f"{s.posting_hour:02d}:00 UTC"),
        ("platform", s.platform),
        (
            "estimated reward",
            f"{fmt(rec.estimated_reward, digits=3)} ± {fmt(rec.uncertainty, digits=3)}",
        ),
        ("confidence", f"{rec.confidence:.0%} that it is the best"),
        ("policy", rec.policy),
    ):
        table.add_row(label, Text(value))
    console.print(table)
    console.print(Text(rec.content_brief.instructions))
    console.print(Text(rec.explanation.summary, style="dim"))
    console.print(
        "Write it with personae write and this brief: the text is kept linked to this "
        "decision, and its imported engagement rewards it (personae engagement import). "
        f"Or report how it did yourself: personae strategy feedback {rec.strategy_id}",
        highlight=False,
    )


@strategy_app.command("feedback")
def feedback_command(
    strategy_id: Annotated[
        int, typer.Argument(min=1, max=MAX_INT, help="The strategy's id.", show_default=False)
    ],
    episode: Annotated[
        int | None,
        typer.Option("--episode", min=1, max=MAX_INT, help="The decision (default: newest open)."),
    ] = None,
    engagement_rate: Annotated[
        float | None,
        typer.Option(
            "--engagement-rate", help="Engagement rate / platform baseline (1 = typical)."
        ),
    ] = None,
    reach_growth: Annotated[
        float, typer.Option("--reach-growth", help="Reach growth (0.5 = +50%).")
    ] = 0.0,
    conversion_rate: Annotated[
        float, typer.Option("--conversion-rate", help="Conversions per reach.")
    ] = 0.0,
    cost: Annotated[
        float, typer.Option("--cost", help="What the content cost, in your unit.")
    ] = 0.0,
    content_id: Annotated[
        list[str] | None,
        typer.Option(
            "--content-id", help="Content whose imported engagement is the result (repeat)."
        ),
    ] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Report how STRATEGY_ID did: the reward inputs, or the content to measure it from
    (by default the imported engagement tagged with the strategy)."""
    components = None
    if engagement_rate is not None:
        try:
            components = RewardComponents(
                engagement_rate=engagement_rate,
                reach_growth=reach_growth,
                conversion_rate=conversion_rate,
                content_cost=cost,
            )
        except ValidationError as exc:
            raise InputError(f"invalid reward inputs ({problems(exc)})") from exc
    with _local_strategy() as service:
        result = service.feedback(
            strategy_id, episode_id=episode, components=components, content_ids=content_id
        )
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    _print_feedback(result)


def _print_feedback(result: FeedbackResult) -> None:
    c, w = result.components, result.weights
    console = out()
    console.print(
        f"Reward {result.reward:.4f} = {w.w1:g}×{c.engagement_rate:.3f} (engagement) "
        f"+ {w.w2:g}×{c.reach_growth:.3f} (reach growth) "
        f"+ {w.w3:g}×{c.conversion_rate:.4f} (conversion) "
        f"− {w.w4:g}×{c.content_cost:g} (cost)",
        highlight=False,
    )
    console.print(
        f"Strategy {result.strategy_id}: mean reward {fmt(result.success_score, digits=3)} over "
        f"{result.rewards} result(s); the {result.policy} policy has learned from "
        f"{result.policy_updates}.",
        highlight=False,
    )


@strategy_app.command("report")
def report_command(
    persona: Annotated[str, _PERSONA], as_json: Annotated[bool, _JSON] = False
) -> None:
    """What PERSONA's strategies earned and what the policy learned."""
    with _local_strategy() as service:
        report = service.performance(service.creator(persona))
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    _print_report(report)


def _print_report(report: PerformanceReport) -> None:
    console = out()
    console.print(
        f"{report.rewarded_episodes} of {report.episodes} decisions rewarded; mean reward "
        f"{fmt(report.mean_reward, digits=3)} "
        f"(first 10: {fmt(report.first_mean_reward, digits=3)}, "
        f"last 10: {fmt(report.recent_mean_reward, digits=3)}). Policy {report.policy}, "
        f"{report.policy_updates} updates; {report.engagement_events:,} engagement events, "
        f"{report.audience_clusters} audience clusters.",
        highlight=False,
    )
    if report.best_strategies:
        best = Table("id", "strategy", "mean reward", "results", title="Best strategies")
        for s in report.best_strategies:
            best.add_row(
                str(s.strategy_id),
                Text(s.description),
                fmt(s.success_score, digits=3),
                str(s.rewards),
            )
        console.print(best)
    if report.by_attribute:
        attrs = Table("dimension", "value", "mean reward", "results", title="By choice")
        for a in report.by_attribute:
            attrs.add_row(a.dimension, Text(a.value), fmt(a.mean_reward, digits=3), str(a.count))
        console.print(attrs)
    if report.platforms:
        platforms = Table(
            "platform",
            "content",
            "baseline rate",
            "mean normalised rate",
            "reach/hour",
            title="Engagement by platform",
        )
        for p in report.platforms:
            platforms.add_row(
                p.platform,
                str(p.content_count),
                f"{p.baseline_engagement_rate:.2%}",
                fmt(p.mean_normalised_engagement_rate),
                fmt(p.mean_reach_velocity),
            )
        console.print(platforms)


@strategy_app.command("clusters")
def clusters_command(
    persona: Annotated[str, _PERSONA],
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Cluster the audience again first.")
    ] = False,
    k: Annotated[
        int | None, typer.Option("--k", min=1, max=8, help="Broad segments (default: chosen).")
    ] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """PERSONA's audience clusters (with --refresh, computed again from the engagement)."""
    with _local_strategy() as service:
        creator = service.creator(persona)
        if refresh:
            clusters = service.recluster(creator, k=k)
        else:
            clusters, _total = service.clusters(creator)
    if as_json:
        typer.echo(json.dumps([c.model_dump(mode="json") for c in clusters], indent=2))
        return
    _print_clusters(clusters)


def _print_clusters(clusters: list[ClusterInfo]) -> None:
    console = out()
    if not clusters:
        console.print(
            "No audience clusters yet: import engagement with audience_member_id, then --refresh."
        )
        return
    table = Table(
        "id",
        "slot",
        "size",
        "peak hours (UTC)",
        "prefers",
        "engagement rate",
        title="Audience clusters",
    )
    for c in clusters:
        table.add_row(
            str(c.id),
            "—" if c.slot is None else str(c.slot),
            f"{c.size:,}",
            ", ".join(f"{h:02d}:00" for h in c.peak_engagement_hours),
            Text(", ".join(c.preferred_content_types)),
            "—" if c.avg_engagement_rate is None else f"{c.avg_engagement_rate:.2%}",
        )
    console.print(table)
