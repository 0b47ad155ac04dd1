"""LLM spend: what each user's model calls cost, and the monthly token budget.

:class:`UsageService` reads the ``llm_usage`` rows that every recorded model call leaves
(see :class:`~personae.llm.RecordedLLM`) and answers two questions:

- :meth:`UsageService.report` — per day (UTC), provider and model: calls (cached ones
  apart), prompt and completion tokens, and an estimated cost from the price table
  (``PERSONAE_LLM_PRICES``);
- :meth:`UsageService.check` — may this user make another model call? With a monthly
  budget (``PERSONAE_TOKEN_BUDGET_MONTHLY``) the tokens spent since the first of the
  month (UTC) are summed (one indexed query) and a spent budget is refused with
  :class:`~personae.errors.TokenBudgetExceededError` (HTTP 429, ``Retry-After`` until it
  renews). Without a budget nothing is read.

:func:`budgeted` puts the check in front of a model factory, so every model a service
asks for is checked when it is asked for: the chat's reply, trait and memory calls, a
write, a generation job.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from pydantic import BaseModel, Field

from personae.config import Settings
from personae.errors import InputError, TokenBudgetExceededError, UserNotFoundError
from personae.store import Database, crud, session_scope
from personae.usage._prices import PriceTable, parse_prices

__all__ = [
    "FOLLOW_UP_PURPOSES",
    "BudgetStatus",
    "UsageLine",
    "UsageReport",
    "UsageService",
    "budgeted",
    "build_usage_service",
    "month_start",
]

MAX_DAYS = 366
"""The longest window a report covers."""


class UsageLine(BaseModel):
    """One day, provider and model."""

    day: date
    provider: str
    model: str
    calls: int = Field(description="Model calls, cached answers included.")
    cached_calls: int = Field(description="Calls answered from the cache (no tokens spent).")
    prompt_tokens: int
    completion_tokens: int
    estimated_cost_usd: float = Field(description="From PERSONAE_LLM_PRICES; 0 when unlisted.")


class BudgetStatus(BaseModel):
    """The monthly token budget, if one is set."""

    budget: int | None = Field(description="Tokens per calendar month (UTC); null: no budget.")
    spent: int = Field(description="Tokens spent since the first of this month (UTC).")
    remaining: int | None
    renews_at: datetime = Field(description="When the month (and the budget) starts again.")


class UsageReport(BaseModel):
    """``GET /api/usage``: the lines, their totals and the budget."""

    since: date
    lines: list[UsageLine]
    calls: int
    prompt_tokens: int
    completion_tokens: int
    estimated_cost_usd: float
    budget: BudgetStatus


def month_start(now: datetime) -> datetime:
    """The first instant of ``now``'s month, UTC."""
    at = now.astimezone(UTC)
    return at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(start: datetime) -> datetime:
    return (start + timedelta(days=32)).replace(day=1)


class UsageService:
    """Spend reports and the budget check over the store.

    Parameters
    ----------
    database
        The store.
    prices
        The price table (:func:`~personae.usage.parse_prices`).
    budget
        Tokens per user per calendar month; ``None``: no budget.
    clock
        Now, timezone-aware (tests pass a fixed one).

    Examples
    --------
    >>> usage = UsageService(db, prices=parse_prices("openai=0.15/0.6"), budget=100_000)
    ... # doctest: +SKIP
    >>> usage.report(owner_id=1, days=7).estimated_cost_usd  # doctest: +SKIP
    0.0123
    """

    def __init__(
        self,
        database: Database,
        *,
        prices: PriceTable | None = None,
        budget: int | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.prices = prices if prices is not None else PriceTable()
        self.budget = budget
        self.clock = clock

    def user_id(self, email: str) -> int:
        """The id of the user with this e-mail (for an operator's report).

        Raises
        ------
        UserNotFoundError
            No such user.
        """
        with session_scope(self.database) as session:
            user = crud.get_user_by_email(session=session, email=email)
            if user is None:
                raise UserNotFoundError(f"no user with the e-mail {email!r}")
            return user.id

    def status(self, *, owner_id: int) -> BudgetStatus:
        """Tokens spent this month and what the budget leaves."""
        start = month_start(self.clock())
        with session_scope(self.database) as session:
            spent = crud.llm_tokens_since(session=session, owner_id=owner_id, since=start)
        remaining = None if self.budget is None else max(0, self.budget - spent)
        return BudgetStatus(
            budget=self.budget, spent=spent, remaining=remaining, renews_at=_next_month(start)
        )

    def check(self, *, owner_id: int) -> None:
        """Refuse a model call once the month's budget is spent (nothing read without one).

        Raises
        ------
        TokenBudgetExceededError
            The owner spent ``budget`` tokens or more this month.
        """
        if self.budget is None:
            return
        status = self.status(owner_id=owner_id)
        if status.spent >= self.budget:
            wait = (status.renews_at - self.clock()).total_seconds()
            raise TokenBudgetExceededError(
                spent=status.spent,
                budget=self.budget,
                retry_after=max(1, math.ceil(wait)),
                renews=status.renews_at.date().isoformat(),
            )

    def report(self, *, owner_id: int, days: int = 30) -> UsageReport:
        """The owner's calls of the last ``days`` days (today included), by day, provider
        and model, newest day first.

        Raises
        ------
        InputError
            ``days`` outside 1..:data:`MAX_DAYS`.
        """
        if not 1 <= days <= MAX_DAYS:
            raise InputError(f"days must be between 1 and {MAX_DAYS} (got {days})", field="days")
        now = self.clock().astimezone(UTC)
        first = (now - timedelta(days=days - 1)).date()
        since = datetime(first.year, first.month, first.day, tzinfo=UTC)
        with session_scope(self.database) as session:
            rows = crud.llm_usage_rows(session=session, owner_id=owner_id, since=since)
        totals: dict[tuple[date, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for row in rows:
            at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
            numbers = totals[(at.astimezone(UTC).date(), row.provider, row.model)]
            numbers[0] += 1
            numbers[1] += 1 if row.cached else 0
            numbers[2] += row.prompt_tokens
            numbers[3] += row.completion_tokens
        lines = [
            UsageLine(
                day=day,
                provider=provider,
                model=model,
                calls=calls,
                cached_calls=cached,
                prompt_tokens=prompt,
                completion_tokens=completion,
                estimated_cost_usd=self.prices.cost(
                    provider, model, prompt_tokens=prompt, completion_tokens=completion
                ),
            )
            for (day, provider, model), (calls, cached, prompt, completion) in totals.items()
        ]
        lines.sort(key=lambda line: (-line.day.toordinal(), line.provider, line.model))
        return UsageReport(
            since=first,
            lines=lines,
            calls=sum(line.calls for line in lines),
            prompt_tokens=sum(line.prompt_tokens for line in lines),
            completion_tokens=sum(line.completion_tokens for line in lines),
            estimated_cost_usd=round(sum(line.estimated_cost_usd for line in lines), 6),
            budget=self.status(owner_id=owner_id),
        )


def build_usage_service(settings: Settings, database: Database) -> UsageService:
    """The usage service the settings describe (price table, monthly budget).

    Raises
    ------
    InputError
        ``PERSONAE_LLM_PRICES`` cannot be read.
    """
    return UsageService(
        database,
        prices=parse_prices(settings.llm_prices),
        budget=settings.token_budget_monthly,
    )


F = TypeVar("F", bound=Callable[..., object])


FOLLOW_UP_PURPOSES = frozenset({"chat.traits", "chat.memory"})
"""Calls that finish a turn already answered (what the reply taught, a summary): not
refused, so a turn that started under the budget ends whole instead of losing its reply."""


def budgeted(factory: F, usage: UsageService) -> F:
    """``factory`` (``(owner_id, purpose, spec) -> LLM``) with the budget checked first
    (except for :data:`FOLLOW_UP_PURPOSES`).

    Without a budget the factory is returned as it is (no cost at all).
    """
    if usage.budget is None:
        return factory

    def checked(owner_id: int, purpose: str, spec: str | None = None) -> object:
        if purpose not in FOLLOW_UP_PURPOSES:
            usage.check(owner_id=owner_id)
        return factory(owner_id, purpose, spec)

    return checked  # type: ignore[return-value]
