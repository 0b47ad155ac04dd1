"""Paragraph rhythm: how much a writer says before a blank line.

Paragraphs are the blocks between blank lines (``\\n\\s*\\n``); a text without blank
lines is one paragraph, and blocks that hold no words (a row of asterisks, a lone URL)
are not counted. Paragraph length in words is a layout habit that separates, for
example, web and newspaper prose from essays and fiction.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from personae.style._fingerprint import ParagraphRhythm
from personae.style._tokens import BREAK, WORD

__all__ = ["paragraph_lengths", "paragraph_rhythm"]


def paragraph_lengths(token_kinds: NDArray[np.int8]) -> NDArray[np.int64]:
    """Words per paragraph.

    Parameters
    ----------
    token_kinds : numpy.ndarray
        Kind of each token, in text order.

    Returns
    -------
    numpy.ndarray
        Words in each paragraph that holds at least one word.
    """
    breaks = np.flatnonzero(token_kinds == BREAK)
    words_so_far = np.cumsum(token_kinds == WORD, dtype=np.int32)
    total = int(words_so_far[-1]) if words_so_far.size else 0
    lengths = np.diff(words_so_far[breaks].astype(np.int64), prepend=0, append=total).astype(
        np.int64
    )
    result: NDArray[np.int64] = lengths[lengths > 0]
    return result


def paragraph_rhythm(lengths: NDArray[np.int64], *, sentences: int) -> ParagraphRhythm:
    """Summarise paragraph lengths.

    Parameters
    ----------
    lengths : numpy.ndarray
        Words per paragraph, from :func:`paragraph_lengths`; at least one.
    sentences : int
        Sentences in the text (sentences never span a blank line).

    Returns
    -------
    ParagraphRhythm
        ``stdev_words`` is the population standard deviation.

    Examples
    --------
    >>> r = paragraph_rhythm(np.array([10, 20]), sentences=3)
    >>> r.paragraph_count, r.average_words, r.stdev_words, r.sentences_per_paragraph
    (2, 15.0, 5.0, 1.5)
    """
    return ParagraphRhythm(
        paragraph_count=int(lengths.size),
        average_words=float(lengths.mean()),
        stdev_words=float(lengths.std()),
        min_words=int(lengths.min()),
        max_words=int(lengths.max()),
        sentences_per_paragraph=sentences / lengths.size,
    )
