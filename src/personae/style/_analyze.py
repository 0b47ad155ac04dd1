"""analyze(): one shared tokenization pass feeding every feature family."""

from __future__ import annotations

import re

import numpy as np

from personae.errors import BinaryInputError, EmptyTextError, TextTooLargeError
from personae.style._fingerprint import Fingerprint
from personae.style._function_words import (
    contractions_per_100_words,
    function_word_profile,
    function_word_tokens,
    pronoun_perspective,
)
from personae.style._language import MIN_WORDS_FOR_LANGUAGE, detect_language
from personae.style._lexicon import SUBORDINATORS
from personae.style._ngrams import char_ngram_profile
from personae.style._paragraphs import paragraph_lengths, paragraph_rhythm, unwrap_double_spacing
from personae.style._punctuation import punctuation_profile
from personae.style._readability import readability
from personae.style._rhetoric import rhetorical_analysis
from personae.style._sentences import sentence_analysis, split_sentences
from personae.style._social import social_habits
from personae.style._tokens import WORD, scan
from personae.style._vocabulary import MATTR_WINDOW, vocabulary_analysis, word_types

__all__ = ["MAX_CHARS", "MAX_CONTROL_SHARE", "analyze"]

MAX_CHARS = 20_000_000
"""Default limit on the characters :func:`analyze` accepts (about 3.5 million words)."""

MAX_CONTROL_SHARE = 0.10
"""Largest share of control characters (other than tab, newline and carriage return)
a text may have before it is taken for binary data."""

_CONTROL_RE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _validate(text: object, *, max_chars: int) -> str:
    if not isinstance(text, str):
        raise TypeError(f"analyze() needs a str, not {type(text).__name__}")
    if len(text) > max_chars:
        raise TextTooLargeError(size=len(text), limit=max_chars)
    if "\x00" in text:
        raise BinaryInputError(
            "the text contains NUL characters, so it looks like binary data; "
            "decode the file as text first",
            reason="nul",
        )
    controls = sum(1 for _ in _CONTROL_RE.finditer(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        raise BinaryInputError(
            f"{controls / len(text):.0%} of the characters are control characters, "
            "so the input looks like binary data rather than text",
            reason="control_characters",
            share=controls / len(text),
        )
    if not text.strip():
        raise EmptyTextError("the text is empty or only white space; there is nothing to measure")
    return text


def analyze(text: str, *, max_chars: int = MAX_CHARS) -> Fingerprint:
    """Measure the linguistic fingerprint of one text.

    The text is read once (:func:`personae.style._tokens.scan`), in chunks, and every
    measure is computed from that pass with numpy; nothing is sent anywhere and no
    model is involved. Words are lower-cased runs of letters with internal apostrophes
    (numbers, URLs, hashtags and @mentions are not words). English-only families
    (function words, contractions, pronouns, readability) are ``None`` unless the text
    looks English (:func:`personae.style._language.detect_language`), and ``notes``
    explains what was left out.

    Parameters
    ----------
    text : str
        The text to measure.
    max_chars : int, default MAX_CHARS
        Longest text accepted, in characters.

    Returns
    -------
    Fingerprint

    Raises
    ------
    TypeError
        ``text`` is not a str.
    personae.errors.TextTooLargeError
        The text is longer than ``max_chars``.
    personae.errors.BinaryInputError
        The text holds NUL characters or more than 10 % control characters.
    personae.errors.EmptyTextError
        The text is empty, white space only, or holds no words.

    Examples
    --------
    >>> fp = analyze("Short sentences work. They land. Do they not?")
    >>> fp.sentence_analysis.sentence_count, fp.rhetorical_analysis.questions
    (3, 1)
    """
    _validate(text, max_chars=max_chars)
    scanned = scan(unwrap_double_spacing(text))
    words = word_types(scanned)
    word_count = words.word_count
    if word_count == 0:
        raise EmptyTextError(
            "the text holds no words (only numbers, symbols, links or tags); "
            "there is nothing to measure"
        )
    token_kinds = scanned.kinds[scanned.ids]
    subordinate = np.zeros(len(scanned.types), dtype=np.bool_)
    for word in SUBORDINATORS:
        if word in scanned.index:
            subordinate[scanned.index[word]] = True
    sentences = split_sentences(token_kinds, subordinate=subordinate[scanned.ids])
    del subordinate
    paragraphs = paragraph_lengths(token_kinds)
    word_ids = scanned.ids[token_kinds == WORD]
    del token_kinds

    function_tokens = function_word_tokens(words)
    language = detect_language(function_words=function_tokens, words=word_count)
    english = language == "en"
    notes: list[str] = []
    if not english:
        if word_count < MIN_WORDS_FOR_LANGUAGE:
            why = f"the text has only {word_count} word{'s' if word_count != 1 else ''}, "
            why += "too few to tell its language"
        else:
            why = (
                f"the text does not look like English (only {function_tokens / word_count:.0%} "
                "of its words are English function words; English prose has about 45%)"
            )
        notes.append(
            f"Function words, contractions, pronouns and readability were left out: {why}. "
            "Sentence complexity and vocabulary sophistication use English word lists "
            "and are only indicative."
        )
    if word_count < MATTR_WINDOW:
        notes.append(
            f"The text has fewer than {MATTR_WINDOW} words, so lexical_diversity is the "
            "plain type-token ratio."
        )

    syllables = int((words.counts * words.syllables).sum())
    complex_words = int(words.counts[words.syllables >= 3].sum())
    letters = int((words.counts * words.letters).sum())
    analysis = sentence_analysis(sentences)
    return Fingerprint(
        word_count=word_count,
        character_count=len(text),
        language=language,
        notes=notes,
        sentence_analysis=analysis,
        vocabulary_analysis=vocabulary_analysis(words, word_ids),
        rhetorical_analysis=rhetorical_analysis(scanned, words, sentences),
        function_words=function_word_profile(words, scanned.index) if english else None,
        punctuation=punctuation_profile(scanned.punctuation, words=word_count),
        char_ngrams=char_ngram_profile(scanned.ngrams),
        contractions_per_100_words=contractions_per_100_words(words) if english else None,
        pronouns=pronoun_perspective(words, scanned.index) if english else None,
        readability=(
            readability(
                words=word_count,
                sentences=analysis.sentence_count,
                syllables=syllables,
                complex_words=complex_words,
                letters=letters,
            )
            if english
            else None
        ),
        social=social_habits(scanned.social, words=word_count),
        paragraphs=paragraph_rhythm(paragraphs, sentences=analysis.sentence_count),
    )
