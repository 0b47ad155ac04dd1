"""LLM spend: usage reports with estimated costs, and a monthly token budget per user.

>>> from personae.usage import build_usage_service
>>> usage = build_usage_service(settings, database)  # doctest: +SKIP
>>> usage.report(owner_id=1, days=30).lines[0]  # doctest: +SKIP
UsageLine(day=datetime.date(2026, 12, 4), provider='openai', model='gpt-4o-mini', ...)
>>> usage.check(owner_id=1)  # doctest: +SKIP
Traceback (most recent call last):
personae.errors.TokenBudgetExceededError: this month's model budget is spent: ...
"""

from __future__ import annotations

from personae.usage._prices import Price, PriceTable, parse_prices
from personae.usage._service import (
    FOLLOW_UP_PURPOSES,
    MAX_DAYS,
    BudgetStatus,
    UsageLine,
    UsageReport,
    UsageService,
    budgeted,
    build_usage_service,
    month_start,
)

__all__ = [
    "FOLLOW_UP_PURPOSES",
    "MAX_DAYS",
    "BudgetStatus",
    "Price",
    "PriceTable",
    "UsageLine",
    "UsageReport",
    "UsageService",
    "budgeted",
    "build_usage_service",
    "month_start",
    "parse_prices",
]
