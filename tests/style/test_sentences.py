"""Sentences: splitting, lengths, types and complexity."""

from __future__ import annotations

import math

import numpy as np
import pytest

from personae.style import analyze
from personae.style._sentences import (
    SENTENCE_LENGTH_BINS,
    length_bins,
    length_distribution,
    length_histogram,
)
from tests.resources import THREE_SENTENCES, TWO_PARAGRAPHS


def test_three_sentences_of_known_length() -> None:
    analysis = analyze(THREE_SENTENCES).sentence_analysis
    dist = analysis.sentence_length_distribution
    assert analysis.sentence_count == 3
    assert (dist.min, dist.max, dist.average, dist.median) == (2, 6, 4.0, 4.0)
    assert dist.stdev == pytest.approx(math.sqrt(8 / 3))  # population: (0 + 4 + 4) / 3


def test_percentiles_interpolate_linearly() -> None:
    # lengths 2, 4, 6: p10 sits 0.2 of the way from 2 to 4, p90 0.8 of the way from 4 to 6
    dist = length_distribution(np.array([6, 2, 4], dtype=np.int64))
    assert (dist.p10, dist.p25, dist.median, dist.p75, dist.p90) == pytest.approx(
        (2.4, 3.0, 4.0, 5.0, 5.6)
    )


def test_sentence_types_by_final_mark() -> None:
    types = analyze(THREE_SENTENCES).sentence_analysis.sentence_type_distribution
    assert (types.declarative, types.question, types.exclamation) == pytest.approx(
        (1 / 3, 1 / 3, 1 / 3)
    )


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Mr. Smith went home. He slept.", 2),
        ("Mrs. Jones and Dr. Who met. They talked.", 2),
        ("Bring fruit, e.g. apples and pears. Then rest.", 2),
        ("Use a tool, i.e. a hammer. Then stop.", 2),
        ("Pens, pencils, etc. are here. Take one.", 2),
        ("The U.S. economy grew fast. Prices rose.", 2),
        ("It costs 3.50 dollars today. Fine then.", 2),
        ("Wait... what happened here? Nothing.", 3),
        ("Really?! That is wild. Yes!!", 3),
        ("A line without a mark\n\nAnother line without one", 2),
        ('He said "stop." Then he left.', 2),
        ("No final mark at all", 1),
    ],
)
def test_sentence_splitting(text: str, count: int) -> None:
    assert analyze(text).sentence_analysis.sentence_count == count


@pytest.mark.parametrize(
    ("text", "question", "exclamation"),
    [
        ("Is it you?", 1.0, 0.0),
        ("Is it you?!", 0.0, 1.0),  # ends with !
        ("It is you!?", 1.0, 0.0),  # ends with ?
        ("Is it you?...", 1.0, 0.0),  # trailing dots do not change the mark
        ("It is you.", 0.0, 0.0),
    ],
)
def test_type_is_decided_by_last_question_or_exclamation_mark(
    text: str, question: float, exclamation: float
) -> None:
    types = analyze(text).sentence_analysis.sentence_type_distribution
    assert (types.question, types.exclamation) == (question, exclamation)


@pytest.mark.parametrize(
    ("text", "complex_ratio", "compound_ratio"),
    [
        ("I stayed home because it rained.", 1.0, 0.0),
        ("The man who called is here.", 1.0, 0.0),
        ("I came, and I saw it.", 0.0, 1.0),
        ("I came; I saw it.", 0.0, 1.0),
        ("I came and saw it.", 0.0, 0.0),  # no comma: one clause with two verbs
        ("Bread, milk and eggs are here.", 0.0, 0.0),  # a list, not joined clauses
        ("I left, but I came back because I missed you.", 1.0, 1.0),
        ("I left early. I came back because I missed you.", 0.5, 0.0),
    ],
)
def test_complexity(text: str, complex_ratio: float, compound_ratio: float) -> None:
    complexity = analyze(text).sentence_analysis.sentence_complexity
    assert (complexity.complex_ratio, complexity.compound_ratio) == (
        complex_ratio,
        compound_ratio,
    )


def test_sentence_lengths_add_up_to_the_word_count() -> None:
    fp = analyze(TWO_PARAGRAPHS)
    analysis = fp.sentence_analysis
    assert analysis.sentence_count == 5
    total = analysis.sentence_length_distribution.average * analysis.sentence_count
    assert total == pytest.approx(fp.word_count) == 15


def test_question_and_exclamation_counts_feed_rhetoric() -> None:
    rhetoric = analyze(TWO_PARAGRAPHS).rhetorical_analysis
    assert (rhetoric.questions, rhetoric.exclamations) == (1, 1)


def test_histogram_bins_are_three_words_wide_with_an_open_last_bin() -> None:
    counts = length_histogram(np.array([1, 3, 4, 6, 7, 39, 40, 120], dtype=np.int64))
    assert len(counts) == SENTENCE_LENGTH_BINS
    assert counts[:3] == (2, 2, 1)
    assert counts[12] == 1  # 37-39
    assert counts[13] == 2  # 40 and 120
    bins = length_bins(counts)
    assert [b.label for b in bins[:2]] + [bins[-1].label] == ["1-3", "4-6", "40+"]
    assert bins[-1].high is None
    assert sum(b.share for b in bins) == pytest.approx(1.0)


def test_fingerprint_histogram_counts_every_sentence() -> None:
    analysis = analyze(TWO_PARAGRAPHS).sentence_analysis
    assert sum(analysis.sentence_length_distribution.histogram) == analysis.sentence_count
