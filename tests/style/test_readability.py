"""Readability: the formulas, and agreement with textstat 0.7.3."""

from __future__ import annotations

import gc
import warnings

import pytest

from personae.style import analyze
from personae.style._readability import (
    automated_readability_index,
    coleman_liau_index,
    flesch_kincaid_grade,
    flesch_reading_ease,
    gunning_fog,
)
from tests.resources import FEDERALIST, SIMPLE_PROSE

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # textstat 0.7.3 imports the deprecated pkg_resources
    from textstat.textstat import textstatistics

# 100 words, 5 sentences, 150 syllables, 10 words of 3+ syllables, 450 letters
COUNTS = {"words": 100, "sentences": 5}


@pytest.mark.parametrize(
    ("formula", "kwargs", "expected"),
    [
        (flesch_reading_ease, {"syllables": 150}, 206.835 - 1.015 * 20 - 84.6 * 1.5),
        (flesch_kincaid_grade, {"syllables": 150}, 0.39 * 20 + 11.8 * 1.5 - 15.59),
        (gunning_fog, {"complex_words": 10}, 0.4 * (20 + 10)),
        (coleman_liau_index, {"letters": 450}, 0.058 * 450 - 0.296 * 5 - 15.8),
        (automated_readability_index, {"letters": 450}, 4.71 * 4.5 + 0.5 * 20 - 21.43),
    ],
)
def test_formula_by_hand(formula, kwargs, expected) -> None:  # type: ignore[no-untyped-def]
    assert formula(**COUNTS, **kwargs) == pytest.approx(expected)


@pytest.fixture(scope="module")
def textstat() -> textstatistics:
    ts = textstatistics()
    ts.set_rounding(False)
    with warnings.catch_warnings():
        # textstat leaves its easy-word file open (a ResourceWarning): load it here
        warnings.simplefilter("ignore")
        ts.gunning_fog("Load the easy words once.")
        gc.collect()
    return ts


@pytest.mark.parametrize(
    "metric", ["flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "coleman_liau_index"]
)
def test_same_as_textstat_when_counts_agree(textstat: textstatistics, metric: str) -> None:
    # SIMPLE_PROSE has one- and two-syllable words and no sentence under three words,
    # so both tools count the same words, sentences, syllables and letters
    ours = getattr(analyze(SIMPLE_PROSE).readability, metric)
    assert ours == pytest.approx(getattr(textstat, metric)(SIMPLE_PROSE), abs=1e-6)


@pytest.mark.parametrize(
    ("metric", "tolerance"),
    [
        ("flesch_reading_ease", 8.0),
        ("flesch_kincaid_grade", 1.5),
        ("gunning_fog", 2.0),
        ("coleman_liau_index", 0.5),
        ("automated_readability_index", 1.0),
    ],
)
def test_close_to_textstat_on_real_prose(
    textstat: textstatistics, metric: str, tolerance: float
) -> None:
    # heuristic syllables (vowel groups, not pyphen) and textstat's own counting rules
    # differ on hard eighteenth-century prose, but only a little
    ours = getattr(analyze(FEDERALIST).readability, metric)
    assert ours == pytest.approx(getattr(textstat, metric)(FEDERALIST), abs=tolerance)


def test_syllables_per_word_and_ordering() -> None:
    simple = analyze(SIMPLE_PROSE).readability
    hard = analyze(FEDERALIST).readability
    assert simple is not None
    assert hard is not None
    assert simple.syllables_per_word == 1.0  # every word of SIMPLE_PROSE has one syllable
    assert simple.flesch_reading_ease > 100 > 50 > hard.flesch_reading_ease
    assert simple.flesch_kincaid_grade < 1 < 12 < hard.flesch_kincaid_grade
