"""The beta-binomial function-word model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from personae.style._lexicon import FUNCTION_WORDS
from personae.style._wordmodel import (
    PRIOR_RHO,
    FunctionWordStats,
    beta_binomial_logpmf,
    counts_vector,
    log_likelihoods,
)


@pytest.mark.parametrize(("n", "p", "rho"), [(10, 0.2, 0.05), (25, 0.01, 0.001), (7, 0.5, 0.3)])
def test_beta_binomial_is_a_distribution(n: int, p: float, rho: float) -> None:
    x = np.arange(n + 1, dtype=float)
    log_choose = np.array(
        [math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) for k in x]
    )
    pmf = np.exp(beta_binomial_logpmf(x, n, np.full_like(x, p), np.full_like(x, rho)) + log_choose)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-9)
    assert (x * pmf).sum() == pytest.approx(n * p, rel=1e-9)
    variance = ((x - n * p) ** 2 * pmf).sum()
    assert variance == pytest.approx(n * p * (1 - p) * (1 + (n - 1) * rho), rel=1e-6)


def test_counts_vector_follows_function_word_order() -> None:
    vec = counts_vector({"the": 3, "upon": 2, "notaword": 9})
    assert vec[FUNCTION_WORDS.index("the")] == 3
    assert vec[FUNCTION_WORDS.index("upon")] == 2
    assert vec.sum() == 5


def test_stats_accumulate_sums() -> None:
    stats = FunctionWordStats.empty()
    stats.add({"the": 10, "of": 5}, 100)
    stats.add({"the": 30}, 200)
    the = FUNCTION_WORDS.index("the")
    assert stats.texts == 2
    assert stats.total_words == 300
    assert stats.counts[the] == 40
    assert stats.sum_rate[the] == pytest.approx(0.1 + 0.15)
    assert stats.sum_rate_sq[the] == pytest.approx(0.01 + 0.0225)
    assert stats.sum_inverse_words == pytest.approx(1 / 100 + 1 / 200)


def test_overdispersion_falls_back_to_prior_with_one_sample() -> None:
    stats = FunctionWordStats.empty()
    stats.add({"the": 10}, 100)
    assert np.all(stats.overdispersion() == PRIOR_RHO)


def test_overdispersion_sees_a_drifting_rate() -> None:
    steady, drifting = FunctionWordStats.empty(), FunctionWordStats.empty()
    for _ in range(6):
        steady.add({"upon": 10}, 1000)
    for count in (0, 25, 2, 30, 1, 22):
        drifting.add({"upon": count}, 1000)
    upon = FUNCTION_WORDS.index("upon")
    assert drifting.overdispersion()[upon] > 10 * steady.overdispersion()[upon]


def test_log_likelihood_prefers_the_voice_with_matching_rates() -> None:
    frequent, rare = FunctionWordStats.empty(), FunctionWordStats.empty()
    for _ in range(5):
        frequent.add({"upon": 8, "the": 60}, 1000)
        rare.add({"upon": 0, "the": 60}, 1000)
    ll_frequent, ll_rare = log_likelihoods({"upon": 4, "the": 30}, 500, [frequent, rare])
    assert ll_frequent > ll_rare
    ll_frequent, ll_rare = log_likelihoods({"the": 30}, 500, [frequent, rare])
    assert ll_rare > ll_frequent
