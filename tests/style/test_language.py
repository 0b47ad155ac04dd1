"""Language: English-only families are left out of non-English text, with a note."""

from __future__ import annotations

import pytest

from personae.style import analyze
from personae.style._language import detect_language
from tests.resources import FEDERALIST, FRENCH, GERMAN, SIMPLE_PROSE


@pytest.mark.parametrize("text", [FEDERALIST, SIMPLE_PROSE])
def test_english_prose_is_english(text: str) -> None:
    fp = analyze(text)
    assert fp.language == "en"
    assert fp.function_words is not None
    assert fp.pronouns is not None
    assert fp.readability is not None
    assert fp.contractions_per_100_words is not None
    assert not any("English" in note for note in fp.notes)


@pytest.mark.parametrize("text", [FRENCH, GERMAN], ids=["french", "german"])
def test_non_english_text_leaves_english_measures_out(text: str) -> None:
    fp = analyze(text)
    assert fp.language == "unknown"
    assert fp.function_words is None
    assert fp.contractions_per_100_words is None
    assert fp.pronouns is None
    assert fp.readability is None
    note = " ".join(fp.notes)
    assert "does not look like English" in note
    for family in ("Function words", "contractions", "pronouns", "readability"):
        assert family in note
    # the language-neutral families are still measured
    assert fp.word_count > 40
    assert fp.sentence_analysis.sentence_count >= 3
    assert fp.char_ngrams.top
    assert fp.punctuation.counts[","] >= 3


def test_words_keep_their_accents() -> None:
    top = analyze(GERMAN).vocabulary_analysis.most_frequent_content_words
    # "die" and "und" three times each (ties alphabetical), then "großen" twice
    assert top[:3] == ["die", "und", "großen"]


def test_contractions_count_as_english_closed_class_words() -> None:
    # 6 words: only "now" is in FUNCTION_WORDS, but don't and it's are English too
    assert analyze("Don't worry, it's fine now, really.").language == "en"


def test_too_few_words_to_tell() -> None:
    fp = analyze("Hello there friend.")
    assert fp.language == "unknown"
    assert fp.readability is None
    assert "too few to tell its language" in " ".join(fp.notes)


@pytest.mark.parametrize(
    ("function_words", "words", "expected"),
    [
        (45, 100, "en"),
        (25, 100, "en"),  # the threshold itself counts as English
        (24, 100, "unknown"),
        (0, 100, "unknown"),
        (4, 4, "unknown"),  # too few words
        (0, 0, "unknown"),
    ],
)
def test_detect_language(function_words: int, words: int, expected: str) -> None:
    assert detect_language(function_words=function_words, words=words) == expected


def test_detect_language_threshold_is_an_argument() -> None:
    assert detect_language(function_words=10, words=100, threshold=0.1) == "en"
    assert detect_language(function_words=3, words=3, min_words=3) == "en"
