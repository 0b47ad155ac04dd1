"""The one shared tokenization pass every measure is computed from.

:func:`scan` reads the text once, in chunks of about half a mebibyte cut at paragraph
breaks, so memory stays a small multiple of the input however long it is. Each chunk
is lower-cased and cleared of URLs, hashtags and @mentions (counted by
:mod:`personae.style._social`); its code points, as one numpy array, feed the
character-level families (emoji, punctuation, character n-grams, which see quotes and
apostrophes as typed); and one regular expression yields, in text order, four kinds of
token:

* **words**: lower-cased runs of letters with internal apostrophes (``don't``,
  ``o'clock``), the pattern ``[^\\W\\d_]+(?:'[^\\W\\d_]+)*`` (Unicode letters; digits,
  numbers and underscores are not words; ``’`` is read as ``'``);
* **sentence ends**: a run of ``.``, ``!``, ``?`` or ``…`` followed (after optional
  closing quotes or brackets) by white space or the end of the text, except the period
  of a known abbreviation (:data:`~personae.style._lexicon.ABBREVIATIONS`); a decimal
  point is never followed by white space, so ``3.14`` is not split;
* **paragraph breaks**: a blank line (``\\n\\s*\\n``), which also ends a sentence;
* **clause joints**: a semicolon, or a comma followed (on the same or the next line)
  by a coordinating conjunction (``, and``), which mark a compound sentence.

Every distinct token string gets a small integer id the first time it is seen, so the
whole text becomes one compact ``int32`` array plus a vocabulary; word counts, sentence
boundaries, MATTR windows and bigrams are then numpy operations on that array, and
per-word properties (syllables, length, membership in a word list) are computed once
per distinct word, never per token.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from personae.style._chars import code_points
from personae.style._lexicon import ABBREVIATIONS, COORDINATORS
from personae.style._ngrams import CharNgramCounter
from personae.style._punctuation import count_punctuation
from personae.style._social import (
    EMOJI_MIN_CODE_POINT,
    SocialCounts,
    count_emoji,
    strip_social,
    touches_social,
)

__all__ = [
    "BREAK",
    "CHUNK_CHARS",
    "EXCLAIM",
    "JOINT",
    "QUESTION",
    "STOP",
    "WORD",
    "Scan",
    "iter_chunks",
    "scan",
]

CHUNK_CHARS = 1 << 19
"""Characters per chunk (about 512 K): big enough to amortise per-chunk overhead, small
enough that the chunk's token strings (~60 bytes each) stay a few megabytes."""

WORD, STOP, QUESTION, EXCLAIM, BREAK, JOINT = range(6)
"""Token kinds. STOP, QUESTION and EXCLAIM end a sentence (declarative, question,
exclamation); BREAK is a paragraph break; JOINT a clause joint."""

_ABBREVIATION_GUARD = "".join(rf"(?<!\b{re.escape(abbr)}\.)" for abbr in ABBREVIATIONS)
_TOKEN_RE = re.compile(
    r"[^\W\d_]+(?:'[^\W\d_]+)*"
    rf"|[.!?…]{_ABBREVIATION_GUARD}[.!?…]*(?=[\"')\]}}”»]*(?:\s|\Z))"
    r"|\n\s*\n"
    rf"|;|,(?=[^\S\n]*\n?[^\S\n]*(?:{'|'.join(COORDINATORS)})\b)"
)
_PARAGRAPH_CUT_RE = re.compile(r"\n\s*\n")
_SPACE_CUT_RE = re.compile(r"(?<=[^,\s])\s+")  # not after a comma: ", and" stays whole
_SPACE_RE = re.compile(r"\s+")
_ANY_SPACE_RE = re.compile(r"\s")


@dataclass(frozen=True, slots=True, eq=False)
class Scan:
    """Everything the measures need from one pass over a text.

    Attributes
    ----------
    types : list[str]
        Distinct token strings; the id of ``types[i]`` is ``i``.
    index : dict[str, int]
        Token string to id.
    ids : numpy.ndarray
        The text as token ids (``int32``), in order.
    kinds : numpy.ndarray
        Kind of each type (``int8``: WORD, STOP, QUESTION, EXCLAIM, BREAK, JOINT).
    punctuation : Counter[str]
        Punctuation counts (see :func:`~personae.style._punctuation.count_punctuation`).
    social : SocialCounts
        Emoji, hashtag, mention and URL tallies.
    ngrams : CharNgramCounter
        Character n-gram counts.
    """

    types: list[str]
    index: dict[str, int]
    ids: NDArray[np.int32]
    kinds: NDArray[np.int8]
    punctuation: Counter[str]
    social: SocialCounts
    ngrams: CharNgramCounter


def iter_chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """Split ``text`` into consecutive chunks of roughly ``size`` characters.

        A chunk ends after a paragraph break if one lies within one more chunk past the
        target size, else after the next run of white space (not one that follows a comma),
        and never beside a URL, hashtag or mention (removing it later would join the run to
    what lies beyond), so chunks never cut a word, URL, sentence mark or clause joint, and
    each chunk but
        the first starts at a non-space character: tokenising chunk by chunk gives the same
        tokens as tokenising the whole text. Only a text with no usable white space for
        a whole chunk is cut mid-run.

        Parameters
        ----------
        text : str
            The whole text.
        size : int
            Target characters per chunk.

        Yields
        ------
        str
            Chunks whose concatenation is ``text``.
    """
    start, end = 0, len(text)
    while end - start > size:
        target, limit = start + size, min(start + 2 * size, end)
        cut = _find_cut(text, target, limit, size=size)
        if cut is None and (limit == end or _ANY_SPACE_RE.search(text, target, end)):
            # The rest is short enough, or every white-space run left borders a link or
            # tag: keep it whole rather than cut where the tokens would change.
            break
        stop = cut.end() if cut else target
        rest = _SPACE_RE.match(text, stop)  # a run may go on past the search limit
        if rest:
            stop = rest.end()
        yield text[start:stop]
        start = stop
    if start < end:
        yield text[start:]


def _find_cut(text: str, start: int, limit: int, *, size: int) -> re.Match[str] | None:
    """The first paragraph break (else white-space run) from ``start`` that borders no URL,
    hashtag or mention (:func:`~personae.style._social.touches_social`).

    The search window slides past runs that do border one; ``None`` means no run from
    ``start`` on qualifies.
    """
    pos = start
    while True:
        cut = _PARAGRAPH_CUT_RE.search(text, pos, limit) or _SPACE_CUT_RE.search(text, pos, limit)
        if cut is None or not touches_social(text, cut.start(), cut.end()):
            return cut
        pos, limit = cut.end(), max(limit, min(cut.end() + size, len(text)))


def scan(text: str, *, chunk_chars: int = CHUNK_CHARS, ngram_n: int = 3) -> Scan:
    """Tokenise ``text`` once and tally its character-level features.

    Parameters
    ----------
    text : str
        The text, already validated.
    chunk_chars : int
        Characters per chunk (see :func:`iter_chunks`).
    ngram_n : int
        Character n-gram length.

    Returns
    -------
    Scan

    Examples
    --------
    >>> s = scan("Mr. Smith left. Did he, and why?")
    >>> [s.types[i] for i in s.ids.tolist()]
    ['mr', 'smith', 'left', '.', 'did', 'he', ',', 'and', 'why', '?']
    """
    vocabulary: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    lookup = vocabulary.__getitem__  # assigns the next id to an unseen token
    parts: list[NDArray[np.int32]] = []
    punctuation: Counter[str] = Counter()
    social = SocialCounts()
    ngrams = CharNgramCounter(n=ngram_n)
    for chunk in iter_chunks(text, chunk_chars):
        lowered = strip_social(chunk.lower(), social)
        codes = code_points(lowered)  # one array for every character-level family
        if codes.size and int(codes.max()) >= EMOJI_MIN_CODE_POINT:
            social.emoji += count_emoji(lowered)
        punctuation.update(count_punctuation(lowered, codes=codes))
        ngrams.add_codes(codes)
        del codes
        tokens = _TOKEN_RE.findall(lowered.replace("’", "'"))
        parts.append(np.fromiter(map(lookup, tokens), dtype=np.int32, count=len(tokens)))
        del tokens
    vocabulary.default_factory = None
    types = list(vocabulary)
    ids = np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)
    return Scan(
        types=types,
        index=vocabulary,
        ids=ids,
        kinds=_kinds(types),
        punctuation=punctuation,
        social=social,
        ngrams=ngrams,
    )


def _kinds(types: list[str]) -> NDArray[np.int8]:
    """Token kind of each type; only the few non-word types need a closer look."""
    kinds = np.zeros(len(types), dtype=np.int8)
    first = np.fromiter(
        map(ord, map(operator.itemgetter(0), types)), dtype=np.int32, count=len(types)
    )
    special = np.flatnonzero(np.isin(first, _SPECIAL_FIRST))
    for i in special.tolist():
        kinds[i] = _kind(types[i])
    return kinds


_SPECIAL_FIRST = np.array([ord(c) for c in ".!?…\n;,"], dtype=np.int32)


def _kind(token: str) -> int:
    """Kind of a non-word token; a sentence end takes its type from its last ? or !."""
    if token[0] == "\n":
        return BREAK
    if token[0] in ";,":
        return JOINT
    marks = token.rstrip(".…")
    if marks.endswith("?"):
        return QUESTION
    if marks.endswith("!"):
        return EXCLAIM
    return STOP
