"""``personae usage``: model calls, tokens and estimated cost per day, provider and model,
and the monthly budget (a shell over :class:`personae.usage.UsageService`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from personae.cli._console import out
from personae.cli._store import local_database
from personae.config import get_settings
from personae.usage import MAX_DAYS, UsageReport, build_usage_service

__all__ = ["usage_command"]


def _render(report: UsageReport, who: str) -> None:
    table = Table(title=f"LLM usage of {who} since {report.since}", title_justify="left")
    for name in ("day", "provider", "model", "calls", "cached", "tokens in", "tokens out"):
        table.add_column(name, justify="right" if name not in ("provider", "model") else "left")
    table.add_column("est. cost", justify="right")
    for line in report.lines:
        table.add_row(
            line.day.isoformat(),
            line.provider,
            line.model,
            f"{line.calls:,}",
            f"{line.cached_calls:,}",
            f"{line.prompt_tokens:,}",
            f"{line.completion_tokens:,}",
            f"${line.estimated_cost_usd:,.4f}",
        )
    console = out()
    console.print(table)
    console.print(
        f"total: {report.calls:,} calls, {report.prompt_tokens:,} tokens in, "
        f"{report.completion_tokens:,} out, estimated ${report.estimated_cost_usd:,.4f}",
        highlight=False,
    )
    budget = report.budget
    if budget.budget is None:
        console.print(
            f"this month: {budget.spent:,} tokens (no budget: PERSONAE_TOKEN_BUDGET_MONTHLY unset)",
            highlight=False,
        )
    else:
        console.print(
            f"this month: {budget.spent:,} of {budget.budget:,} tokens, "
            f"{budget.remaining:,} left; renews {budget.renews_at.date()}",
            highlight=False,
        )


def usage_command(
    days: Annotated[int, typer.Option(min=1, max=MAX_DAYS, help="Days back, today included.")] = 30,
    user: Annotated[
        str | None,
        typer.Option(help="A user's e-mail (an operator's view) [default: the CLI's own user]."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """LLM spend: calls, tokens in/out and estimated cost (PERSONAE_LLM_PRICES) per day,
    provider and model, and the monthly token budget."""
    settings = get_settings()
    with local_database() as (database, local_id):
        service = build_usage_service(settings, database)
        owner = service.user_id(user) if user is not None else local_id
        report = service.report(owner_id=owner, days=days)
    if as_json:
        out().print_json(report.model_dump_json())
        return
    _render(report, user or "the CLI's user")
