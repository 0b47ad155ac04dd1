"""Punctuation profile: exact counts and rates."""

from __future__ import annotations

import pytest

from personae.style import analyze
from personae.style._punctuation import count_punctuation
from tests.resources import PUNCTUATED

EXPECTED = {
    ",": 3,
    ".": 2,
    ";": 1,
    ":": 1,
    "!": 1,
    "?": 2,
    "—": 2,
    "–": 1,
    "-": 1,
    "(": 1,
    ")": 1,
    '"': 4,
    "'": 4,
    "…": 2,
}


def test_counts_by_hand() -> None:
    assert analyze(PUNCTUATED).punctuation.counts == EXPECTED


def test_rates_per_1000_words() -> None:
    fp = analyze(PUNCTUATED)
    # words: wait what really no it's fine yes said the well known man times don't stop
    # ever why then okay done -> 20
    assert fp.word_count == 20
    assert fp.punctuation.per_1000_words == pytest.approx(
        {mark: count * 1000 / 20 for mark, count in EXPECTED.items()}
    )


@pytest.mark.parametrize(
    ("text", "mark", "count"),
    [
        ("“Hi” and ‘bye’", '"', 2),
        ("“Hi” and ‘bye’", "'", 2),
        ("Wait...", "…", 1),
        ("Wait...", ".", 0),
        ("Wait....", ".", 1),  # an ellipsis and a period
        ("a -- b", "—", 1),
        ("a -- b", "-", 0),
        ("well-known", "-", 1),
        ("no marks here", ",", 0),
    ],
)
def test_typographic_variants_are_folded(text: str, mark: str, count: int) -> None:
    assert count_punctuation(text)[mark] == count


def test_only_non_zero_marks_are_kept() -> None:
    counts = analyze("Hello, world. Hello again.").punctuation.counts
    assert counts == {",": 1, ".": 2}


def test_urls_do_not_count_as_punctuation() -> None:
    counts = analyze("See https://example.com/a-b.c:d today.").punctuation.counts
    assert counts == {".": 1}
