"""Paragraph rhythm."""

from __future__ import annotations

import math

import pytest

from personae.style import analyze
from tests.resources import TWO_PARAGRAPHS


def test_two_paragraphs_by_hand() -> None:
    paragraphs = analyze(TWO_PARAGRAPHS).paragraphs
    assert paragraphs.paragraph_count == 2
    assert (paragraphs.min_words, paragraphs.max_words) == (6, 9)
    assert paragraphs.average_words == 7.5
    assert paragraphs.stdev_words == 1.5  # population stdev of 9 and 6
    assert paragraphs.sentences_per_paragraph == 2.5  # 5 sentences / 2 paragraphs


def test_three_paragraphs_of_known_length() -> None:
    text = "One two three.\n\nFour five.\r\n\r\n\n\nSix seven eight nine."
    paragraphs = analyze(text).paragraphs
    assert paragraphs.paragraph_count == 3
    assert paragraphs.average_words == 3.0
    assert paragraphs.stdev_words == pytest.approx(math.sqrt(2 / 3))
    assert paragraphs.sentences_per_paragraph == 1.0


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("One line.\nA second line, no blank line.", 1),
        ("Para one.\n\t \nPara two.", 2),  # a line of white space is a blank line
        ("Para one.\n\n* * *\n\nPara two.", 2),  # a block without words is no paragraph
        ("\n\nPara one.\n\n\n\n", 1),
    ],
)
def test_paragraph_splitting(text: str, count: int) -> None:
    assert analyze(text).paragraphs.paragraph_count == count


def test_a_blank_line_ends_a_sentence_without_a_mark() -> None:
    fp = analyze("A heading without a mark\n\nThe body of the text follows here.")
    assert fp.sentence_analysis.sentence_count == 2
    assert fp.paragraphs.sentences_per_paragraph == 1.0


WRAPPED = (
    "It was a dark and\n\nstormy night, and the rain\n\nfell in torrents.\n\n\n\n"
    "Except at occasional\n\nintervals, when it was\n\nchecked by a violent gust.\n"
)


def test_double_spaced_hard_wrapped_text_is_unwrapped() -> None:
    from personae.style._paragraphs import unwrap_double_spacing

    assert unwrap_double_spacing(WRAPPED) == (
        "It was a dark and\nstormy night, and the rain\nfell in torrents.\n\n"
        "Except at occasional\nintervals, when it was\nchecked by a violent gust.\n"
    )
    fp = analyze(WRAPPED)
    assert fp.paragraphs.paragraph_count == 2
    assert fp.sentence_analysis.sentence_count == 2
    lengths = fp.sentence_analysis.sentence_length_distribution
    assert (lengths.min, lengths.max) == (12, 13)


def test_ordinary_blank_line_paragraphs_are_left_alone() -> None:
    from personae.style._paragraphs import unwrap_double_spacing

    text = "One line.\n\nTwo lines here.\n\nThree, and more.\n\nFour!\n\nFive?\n"
    assert unwrap_double_spacing(text) == text
    assert analyze(text).paragraphs.paragraph_count == 5
