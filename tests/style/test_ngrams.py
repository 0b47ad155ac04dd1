"""Character n-grams."""

from __future__ import annotations

import pytest

from personae.style import analyze
from personae.style._ngrams import CharNgramCounter, char_ngram_profile
from tests.resources import FEDERALIST


def _naive(text: str, n: int) -> dict[str, int]:
    collapsed = " ".join(text.split())
    counts: dict[str, int] = {}
    for i in range(len(collapsed) - n + 1):
        counts[collapsed[i : i + n]] = counts.get(collapsed[i : i + n], 0) + 1
    return counts


def test_trigrams_by_hand() -> None:
    counter = CharNgramCounter()
    counter.add("abab ")
    counter.add("  ab")  # white space runs collapse across chunks: "abab ab"
    assert counter.top(10) == {" ab": 1, "ab ": 1, "aba": 1, "b a": 1, "bab": 1}
    assert counter.total() == 5


def test_profile_shares_and_alphabetical_ties() -> None:
    fp = analyze("Aaaa bbb.")  # "aaaa bbb.": aaa x2, then aa , a b,  bb, bbb, bb. once
    top = fp.char_ngrams.top
    assert fp.char_ngrams.n == 3
    assert list(top) == ["aaa", " bb", "a b", "aa ", "bb.", "bbb"]
    assert top["aaa"] == pytest.approx(2 / 7)
    assert sum(top.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("chunk", [1, 7, 64, 10_000])
def test_chunked_counting_matches_naive_counting(n: int, chunk: int) -> None:
    text = "  " + FEDERALIST.lower()[:3000] + " \n\t "
    counter = CharNgramCounter(n=n)
    for start in range(0, len(text), chunk):
        counter.add(text[start : start + chunk])
    expected = _naive(text, n)
    assert counter.total() == sum(expected.values())
    ranked = sorted(expected.items(), key=lambda item: (-item[1], item[0]))[:40]
    assert list(counter.top(40).items()) == ranked


def test_large_alphabets_fall_back_to_sorting() -> None:
    text = "".join(chr(0x4E00 + i) for i in range(400)) + "😀😀😀😀"
    counter = CharNgramCounter()
    counter.add(text)
    assert counter.total() == len(text) - 2
    assert counter.top(1) == {"😀😀😀": 2}


def test_top_50_by_default_and_empty_profile() -> None:
    fp = analyze(FEDERALIST)
    assert len(fp.char_ngrams.top) == 50
    assert next(iter(fp.char_ngrams.top)) == " th"
    assert char_ngram_profile(CharNgramCounter()).top == {}


def test_n_must_be_small() -> None:
    with pytest.raises(ValueError, match="n must be"):
        CharNgramCounter(n=4)
