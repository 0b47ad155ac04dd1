"""Paragraph rhythm: how much a writer says before a blank line.

Paragraphs are the blocks between blank lines (``\\n\\s*\\n``); a text without blank
lines is one paragraph, and blocks that hold no words (a row of asterisks, a lone URL)
are not counted. Paragraph length in words is a layout habit that separates, for
example, web and newspaper prose from essays and fiction.

Some files are hard-wrapped *and* double-spaced: a blank line after every printed line,
two or more between paragraphs (Project Gutenberg exports, many e-texts, emails pasted
from fixed-width viewers). Read naively, every line would be a paragraph and every line
end a sentence end. :func:`unwrap_double_spacing` recognises that layout and restores
it before anything is measured.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import NDArray

from personae.style._fingerprint import ParagraphRhythm
from personae.style._tokens import BREAK, WORD

__all__ = ["SOFT_BREAK_SHARE", "paragraph_lengths", "paragraph_rhythm", "unwrap_double_spacing"]

SOFT_BREAK_SHARE = 0.5
"""Share of single blank lines that must follow a line with no closing punctuation
before a text is read as hard-wrapped and double-spaced. Ordinary prose ends almost
every paragraph with punctuation; a wrapped text breaks mid-sentence at most lines."""

_MIN_SINGLE_BREAKS = 4
_BLANK_RUN_RE = re.compile(r"\n(?:[ \t]*\n)+")
_CLOSED_LINE_RE = re.compile(r"""[.!?:;…"'”’)\]]\s*$""")


def unwrap_double_spacing(text: str) -> str:
    """Undo a blank-line-after-every-line layout; any other text is returned unchanged.

    When at least :data:`SOFT_BREAK_SHARE` of the single blank lines follow a line that
    does not end in closing punctuation, single blank lines are read as line wraps and
    runs of two or more blank lines as paragraph breaks.
    """
    single = soft = 0
    for match in _BLANK_RUN_RE.finditer(text):
        if match.group().count("\n") != 2:
            continue
        single += 1
        line_start = text.rfind("\n", 0, match.start()) + 1
        soft += not _CLOSED_LINE_RE.search(text, line_start, match.start())
    if single < _MIN_SINGLE_BREAKS or soft < SOFT_BREAK_SHARE * single:
        return text
    return _BLANK_RUN_RE.sub(lambda m: "\n" if m.group().count("\n") == 2 else "\n\n", text)


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
