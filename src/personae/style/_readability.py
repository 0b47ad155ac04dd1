"""Readability formulas for English prose.

Each formula is a pure function of counts, with the coefficients of its original paper
(and of textstat 0.7.3, which uses the same ones). The counts come from the shared
tokenization pass: words are word tokens, sentences are the sentences of
:mod:`personae.style._sentences`, syllables come from the vowel-group heuristic
:func:`~personae.style._vocabulary.count_syllables`, and letters are the letters of the
words (apostrophes, digits and punctuation excluded). textstat counts some of these
differently (pyphen hyphenation for syllables, sentences of two words or fewer ignored,
punctuation counted as characters in ARI, Dale–Chall easy words excluded from the hard
words of Gunning fog) and rounds intermediate values, so results agree closely but not
digit for digit.
"""

from __future__ import annotations

from personae.style._fingerprint import Readability

__all__ = [
    "automated_readability_index",
    "coleman_liau_index",
    "flesch_kincaid_grade",
    "flesch_reading_ease",
    "gunning_fog",
    "readability",
]


def flesch_reading_ease(*, words: int, sentences: int, syllables: int) -> float:
    """Flesch Reading Ease (Flesch 1948, "A new readability yardstick").

    ``206.835 - 1.015 × words/sentences - 84.6 × syllables/words``; about 60–70 is
    plain English, higher is easier.

    Examples
    --------
    >>> flesch_reading_ease(words=100, sentences=5, syllables=150)
    59.635
    """
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)


def flesch_kincaid_grade(*, words: int, sentences: int, syllables: int) -> float:
    """Flesch–Kincaid grade level (Kincaid, Fishburne, Rogers & Chissom 1975).

    ``0.39 × words/sentences + 11.8 × syllables/words - 15.59``: a US school grade.

    Examples
    --------
    >>> round(flesch_kincaid_grade(words=100, sentences=5, syllables=150), 6)
    9.91
    """
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def gunning_fog(*, words: int, sentences: int, complex_words: int) -> float:
    """Gunning fog index (Gunning 1952, *The Technique of Clear Writing*).

    ``0.4 × (words/sentences + 100 × complex_words/words)``, where a complex word has
    three or more syllables.

    Examples
    --------
    >>> round(gunning_fog(words=100, sentences=5, complex_words=10), 6)
    12.0
    """
    return 0.4 * (words / sentences + 100.0 * complex_words / words)


def coleman_liau_index(*, words: int, sentences: int, letters: int) -> float:
    """Coleman–Liau index (Coleman & Liau 1975, *J. Applied Psychology* 60(2)).

    ``0.0588 × L - 0.296 × S - 15.8`` with L letters and S sentences per 100 words;
    textstat (and this function) use 0.058 for the first coefficient.

    Examples
    --------
    >>> round(coleman_liau_index(words=100, sentences=5, letters=450), 6)
    8.82
    """
    per_100 = 100.0 / words
    return 0.058 * letters * per_100 - 0.296 * sentences * per_100 - 15.8


def automated_readability_index(*, words: int, sentences: int, letters: int) -> float:
    """Automated Readability Index (Senter & Smith 1967, AMRL-TR-66-220).

    ``4.71 × characters/words + 0.5 × words/sentences - 21.43``; characters are the
    letters of the words.

    Examples
    --------
    >>> round(automated_readability_index(words=100, sentences=5, letters=450), 6)
    9.765
    """
    return 4.71 * (letters / words) + 0.5 * (words / sentences) - 21.43


def readability(
    *, words: int, sentences: int, syllables: int, complex_words: int, letters: int
) -> Readability:
    """All readability scores of a text.

    Parameters
    ----------
    words : int
        Word tokens (at least one).
    sentences : int
        Sentences (at least one).
    syllables : int
        Syllables of all word tokens.
    complex_words : int
        Word tokens of three or more syllables.
    letters : int
        Letters of all word tokens.

    Returns
    -------
    Readability
    """
    return Readability(
        flesch_reading_ease=flesch_reading_ease(
            words=words, sentences=sentences, syllables=syllables
        ),
        flesch_kincaid_grade=flesch_kincaid_grade(
            words=words, sentences=sentences, syllables=syllables
        ),
        gunning_fog=gunning_fog(words=words, sentences=sentences, complex_words=complex_words),
        coleman_liau_index=coleman_liau_index(words=words, sentences=sentences, letters=letters),
        automated_readability_index=automated_readability_index(
            words=words, sentences=sentences, letters=letters
        ),
        syllables_per_word=syllables / words,
    )
