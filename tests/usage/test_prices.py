"""The price table of the usage report."""

from __future__ import annotations

import pytest

from personae.errors import InputError
from personae.usage import parse_prices


def test_model_entries_win_over_provider_entries() -> None:
    table = parse_prices("openai=1/2, openai:gpt-4o-mini=0.15/0.60, openai:llama3:8b=0/0")
    assert table.cost("openai", "gpt-4o-mini", prompt_tokens=2_000_000, completion_tokens=0) == 0.3
    assert table.cost("openai", "gpt-4o", prompt_tokens=0, completion_tokens=1_000_000) == 2.0
    assert table.cost("openai", "llama3:8b", prompt_tokens=10**6, completion_tokens=10**6) == 0.0
    assert table.cost("local", "smollm2", prompt_tokens=10**6, completion_tokens=10**6) == 0.0


def test_an_empty_table_costs_nothing() -> None:
    assert parse_prices("").cost("openai", "x", prompt_tokens=5, completion_tokens=5) == 0.0


@pytest.mark.parametrize("text", ["openai", "openai=1", "openai=a/b", "openai=-1/2", "=1/2"])
def test_a_bad_entry_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="PERSONAE_LLM_PRICES"):
        parse_prices(text)
