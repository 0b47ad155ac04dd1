"""Vocabulary: MATTR, type-token ratio, hapax, syllables, sophistication, word length."""

from __future__ import annotations

import numpy as np
import pytest

from personae.style import analyze
from personae.style._tokens import scan
from personae.style._vocabulary import (
    count_syllables,
    is_contraction,
    mattr,
    syllables_per_type,
    top_content_words,
    word_types,
)
from tests.resources import FEDERALIST, THREE_SENTENCES


def _brute_force_mattr(ids: list[int], window: int) -> float:
    """The definition, window by window (Covington & McFall 2010)."""
    if len(ids) < window:
        return len(set(ids)) / len(ids)
    ratios = [len(set(ids[s : s + window])) / window for s in range(len(ids) - window + 1)]
    return sum(ratios) / len(ratios)


@pytest.mark.parametrize(
    ("ids", "window", "expected"),
    [
        ([0, 1, 0, 2], 2, 1.0),  # windows 01, 10, 02: all two types
        ([0, 0, 1, 0], 3, 2 / 3),  # windows 001 (2 types), 010 (2 types): 4 / 6
        ([0, 0, 0, 0], 2, 0.5),
        ([0, 1, 2, 0, 1, 2], 3, 1.0),
        ([0, 0, 1, 1], 2, (1 + 2 + 1) / (3 * 2)),  # windows 00, 01, 11
        ([0, 1, 0], 5, 2 / 3),  # shorter than the window: plain TTR
    ],
)
def test_mattr_by_hand(ids: list[int], window: int, expected: float) -> None:
    assert mattr(np.array(ids), window=window) == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("window", [1, 3, 7, 50])
def test_mattr_matches_the_window_by_window_definition(seed: int, window: int) -> None:
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, 12, size=int(rng.integers(1, 200)))
    assert mattr(ids, window=window) == pytest.approx(_brute_force_mattr(ids.tolist(), window))


def test_lexical_diversity_uses_a_50_word_window() -> None:
    fp = analyze(FEDERALIST)
    assert fp.word_count > 50
    s = scan(FEDERALIST)
    ids = [i for i in s.ids.tolist() if s.types[i][0].isalpha()]
    assert len(ids) == fp.word_count
    assert fp.vocabulary_analysis.lexical_diversity == pytest.approx(_brute_force_mattr(ids, 50))
    # MATTR over 50-word windows is far above the whole-text TTR of a long text
    assert fp.vocabulary_analysis.lexical_diversity > fp.vocabulary_analysis.type_token_ratio


def test_type_token_and_hapax_ratio() -> None:
    vocab = analyze("The cat and the dog.").vocabulary_analysis
    assert vocab.type_token_ratio == pytest.approx(4 / 5)  # the, cat, and, dog / 5 tokens
    assert vocab.hapax_ratio == pytest.approx(3 / 4)  # cat, and, dog once; the twice
    assert vocab.lexical_diversity == vocab.type_token_ratio  # fewer than 50 words


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("cat", 1),
        ("the", 1),
        ("make", 1),
        ("there", 1),
        ("table", 2),
        ("people", 2),
        ("jumped", 1),
        ("played", 1),
        ("wanted", 2),
        ("makes", 1),
        ("boxes", 2),
        ("didn't", 2),
        ("don't", 1),
        ("water", 2),
        ("beautiful", 3),
        ("important", 3),
        ("government", 3),
        ("unequivocal", 5),
        ("rhythm", 1),
        ("a", 1),
    ],
)
def test_count_syllables(word: str, syllables: int) -> None:
    assert count_syllables(word) == syllables


def test_vectorised_syllables_agree_with_the_scalar_heuristic() -> None:
    s = scan(FEDERALIST + " " + THREE_SENTENCES + " didn't café naïve œuvre it'll")
    words = [t for t in s.types if t[0].isalpha()]
    assert syllables_per_type(words).tolist() == [count_syllables(w) for w in words]


def test_sophistication_counts_content_tokens_of_three_syllables() -> None:
    # content tokens: beautiful (3), elephants (3), walk (1), beautiful (3); "the" and
    # "and" are function words and not counted
    vocab = analyze("The beautiful elephants walk and the beautiful.").vocabulary_analysis
    assert vocab.vocabulary_sophistication == pytest.approx(3 / 4)


def test_most_frequent_content_words_break_ties_alphabetically() -> None:
    text = "Zebra apple zebra apple mango kiwi the the the of of it. Fig fig fig."
    vocab = analyze(text).vocabulary_analysis
    # fig 3, apple 2, zebra 2, then kiwi/mango 1 (alphabetical); function words and
    # words under 3 letters are not content words here
    assert vocab.most_frequent_content_words == ["fig", "apple", "zebra", "kiwi", "mango"]


def test_top_content_words_respects_k() -> None:
    s = scan("alpha beta gamma delta alpha beta alpha")
    assert top_content_words(word_types(s), k=2) == {"alpha": 3, "beta": 2}


def test_word_length_distribution() -> None:
    # a(1) big(3) yellow(6) elephant(8) don't(4 letters) -> short 2, medium 2, long 1
    dist = analyze("A big yellow elephant! Don't.").vocabulary_analysis.word_length_distribution
    assert (dist.short, dist.medium, dist.long) == pytest.approx((2 / 5, 2 / 5, 1 / 5))
    assert dist.average == pytest.approx((1 + 3 + 6 + 8 + 4) / 5)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("don't", True),
        ("we're", True),
        ("i've", True),
        ("she'll", True),
        ("he'd", True),
        ("i'm", True),
        ("it's", True),
        ("let's", True),
        ("john's", False),
        ("o'clock", False),
        ("dont", False),
    ],
)
def test_is_contraction(word: str, expected: bool) -> None:
    assert is_contraction(word) is expected


def test_words_exclude_numbers_and_keep_internal_apostrophes() -> None:
    s = scan("In 1999 I didn’t win 3.5 times; rock'n'roll's 2nd wave.")
    words = [s.types[i] for i in s.ids.tolist() if s.types[i][0].isalpha()]
    assert words == ["in", "i", "didn't", "win", "times", "rock'n'roll's", "nd", "wave"]
