"""Is the text English? Decided by the share of English function words.

Closed-class words make up about 40–50 % of the running words of any English text and
almost none of other languages' (the "common words" method of language identification,
Ingle 1976; Grefenstette 1995, "Comparing two language identification schemes"). The
English-only families (function words, contractions, pronouns, readability) are
computed only when the text passes this test.
"""

from __future__ import annotations

__all__ = ["ENGLISH_THRESHOLD", "MIN_WORDS_FOR_LANGUAGE", "detect_language"]

ENGLISH_THRESHOLD = 0.25
"""Smallest share of function-word tokens taken as English (English prose: ~0.45;
French, German, Spanish: well under 0.15, mostly from shared words such as 'a', 'in')."""

MIN_WORDS_FOR_LANGUAGE = 5
"""Fewer words than this are too few to tell the language."""


def detect_language(
    *,
    function_words: int,
    words: int,
    threshold: float = ENGLISH_THRESHOLD,
    min_words: int = MIN_WORDS_FOR_LANGUAGE,
) -> str:
    """Return 'en' when the text looks English, else 'unknown'.

    Parameters
    ----------
    function_words : int
        Word tokens that are English function words or contractions.
    words : int
        All word tokens.
    threshold : float, default 0.25
        Smallest function-word share taken as English.
    min_words : int, default 5
        Smallest text (in words) whose language is judged.

    Returns
    -------
    str
        'en' or 'unknown'.

    Examples
    --------
    >>> detect_language(function_words=45, words=100)
    'en'
    >>> detect_language(function_words=3, words=100)
    'unknown'
    """
    if words < min_words or words == 0:
        return "unknown"
    return "en" if function_words / words >= threshold else "unknown"
