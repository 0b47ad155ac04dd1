"""The price table of ``GET /api/usage``'s estimated cost (``PERSONAE_LLM_PRICES``).

Entries are ``provider:model=input/output`` in US dollars per million tokens, separated
by commas; ``provider=input/output`` covers every model of a provider that has no entry
of its own. A model with no entry costs nothing in the estimate (the local model is free).

>>> table = parse_prices("openai:gpt-4o-mini=0.15/0.60, anthropic=3/15")
>>> table.cost("openai", "gpt-4o-mini", prompt_tokens=1_000_000, completion_tokens=0)
0.15
>>> table.cost("anthropic", "claude-x", prompt_tokens=0, completion_tokens=2_000_000)
30.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from personae.errors import InputError

__all__ = ["Price", "PriceTable", "parse_prices"]

_PER = 1_000_000


@dataclass(frozen=True, slots=True)
class Price:
    """US dollars per million prompt (input) and completion (output) tokens."""

    input: float
    output: float


@dataclass(frozen=True, slots=True)
class PriceTable:
    """Prices by ``(provider, model)``, and by provider for models not listed."""

    models: dict[tuple[str, str], Price] = field(default_factory=dict)
    providers: dict[str, Price] = field(default_factory=dict)

    def price(self, provider: str, model: str) -> Price | None:
        """The price of a model, if the table knows it."""
        return self.models.get((provider, model)) or self.providers.get(provider)

    def cost(
        self, provider: str, model: str, *, prompt_tokens: int, completion_tokens: int
    ) -> float:
        """Estimated US dollars for these tokens (0 for a model the table does not list)."""
        price = self.price(provider, model)
        if price is None:
            return 0.0
        return round((prompt_tokens * price.input + completion_tokens * price.output) / _PER, 6)


def _number(text: str, entry: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"PERSONAE_LLM_PRICES: {text!r} in {entry!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"PERSONAE_LLM_PRICES: prices cannot be negative ({entry!r})")
    return value


def parse_prices(text: str) -> PriceTable:
    """Read ``PERSONAE_LLM_PRICES`` (see the module docstring).

    Raises
    ------
    InputError
        An entry without ``=`` or ``/``, or a price that is not a non-negative number.
    """
    models: dict[tuple[str, str], Price] = {}
    providers: dict[str, Price] = {}
    for raw in text.split(","):
        entry = raw.strip()
        if not entry:
            continue
        name, sep, prices = entry.rpartition("=")
        given, slash, taken = prices.partition("/")
        if not sep or not slash or not name.strip():
            raise InputError(
                f"PERSONAE_LLM_PRICES: {entry!r} is not 'provider:model=input/output' "
                "(US dollars per million tokens)"
            )
        price = Price(_number(given.strip(), entry), _number(taken.strip(), entry))
        provider, colon, model = name.strip().partition(":")
        if colon and model.strip():
            models[(provider.strip().lower(), model.strip())] = price
        else:
            providers[provider.strip().lower()] = price
    return PriceTable(models=models, providers=providers)
